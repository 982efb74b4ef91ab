// masto 8.0.0 smoke flow.
// usage: node --experimental-websocket example_masto.mjs BASE_URL ACCESS_TOKEN [STREAMING_URL]
// (Node >= 22 needs neither the flag nor the Promise.withResolvers polyfill.)
import { createRestAPIClient, createStreamingAPIClient } from "masto";

// masto 8 declares engines.node >= 22; on Node 20 Promise.withResolvers is missing
// (used by the streaming connector) and global WebSocket needs --experimental-websocket.
if (!Promise.withResolvers) {
  Promise.withResolvers = () => {
    let resolve, reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}

const [url, accessToken, streamingArg] = process.argv.slice(2);
const rest = createRestAPIClient({ url, accessToken, timeout: 10_000 });

const instance = await rest.v2.instance.fetch();
console.log("instance:", instance.domain, instance.version);
const status = await rest.v1.statuses.create(
  { status: "hello from masto", visibility: "unlisted" },
  { requestInit: { headers: { "Idempotency-Key": "masto-1" } } },
);
console.log("posted:", status.id, status.createdAt);
const home = await rest.v1.timelines.home.list({ limit: 5 });
console.log("home:", home.length);

const streamingApiUrl = streamingArg ?? instance.configuration?.urls?.streaming ?? url;
const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken, retry: 1 });
const sub = streaming.user.subscribe();
const timer = setTimeout(() => streaming.close(), 5000); // hard stop
try {
  for await (const event of sub) {
    console.log("stream event:", event.event, event.payload?.id ?? event.payload);
    break; // leaving the loop sends {"type":"unsubscribe",...}
  }
} finally {
  clearTimeout(timer);
  streaming.close(); // connector.kill() -> ws.close(), no reconnect
}
console.log("done");
