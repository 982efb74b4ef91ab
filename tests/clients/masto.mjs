// masto (the JavaScript client library many web apps use) against a Caravan hub: signs in with
// a token, reads the instance, posts, reads its home timeline, and receives its own status on a
// streaming (WebSocket) connection.
//
//   node masto.mjs --base URL --token TOKEN
//
// Node 20 has no global WebSocket and no Promise.withResolvers (masto 8 wants Node 22): the
// `ws` package and a small shim provide them.
import { WebSocket } from "ws";
import { createRestAPIClient, createStreamingAPIClient } from "masto";

if (!globalThis.WebSocket) globalThis.WebSocket = WebSocket;
if (!Promise.withResolvers) {
  Promise.withResolvers = () => {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) throw new Error(`--${name} missing`);
  return process.argv[i + 1];
};
const base = arg("base");
const token = arg("token");
const check = (cond, msg) => {
  if (!cond) { console.log(`FAIL: ${msg}`); process.exit(1); }
  console.log(`ok: ${msg}`);
};
const within = (ms, p, what) => Promise.race([
  p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms)),
]);

const rest = createRestAPIClient({ url: base, accessToken: token, timeout: 15000 });
const me = await rest.v1.accounts.verifyCredentials();
check(me.username === "alice", "masto signs in with a token");
const instance = await rest.v2.instance.fetch();
check(instance.configuration.urls.streaming.startsWith("ws"), "v2 instance names the streaming URL");

const streaming = createStreamingAPIClient({
  streamingApiUrl: instance.configuration.urls.streaming,
  accessToken: token,
  retry: 1,
});
const sub = streaming.user.subscribe();
const text = `Hello from masto ${Date.now()}`;
// One reader for the stream: it reports the first probe (the subscription is live) and then
// the status under test.
let liveResolve;
const live = new Promise((res) => { liveResolve = res; });
const arrived = (async () => {
  for await (const event of sub) {
    if (event.event !== "update") continue;
    if (event.payload.content.includes("stream probe")) liveResolve();
    if (event.payload.content.includes(text)) return event.payload;
  }
  return null;
})();
// The socket opens in the background; probe until one of ours comes back on it.
let n = 0;
const probing = setInterval(() => {
  rest.v1.statuses.create({ status: `stream probe ${++n}`, visibility: "unlisted" }).catch(() => {});
}, 300);
await within(15000, live, "the streaming connection");
clearInterval(probing);
const status = await rest.v1.statuses.create({ status: text, visibility: "public" });
check(status.content.includes(text), "masto posts");
const got = await within(15000, arrived, "the status on the stream");
check(got && got.id === status.id, "the status arrives on the streaming connection");
const home = await rest.v1.timelines.home.list({ limit: 5 });
check(home.some((s) => s.id === status.id), "and in the home timeline");
const page = await rest.v1.timelines.public.list({ local: true, limit: 1 });
check(page.length === 1, "public timeline, one per page");
streaming.close();
console.log("PASSED masto");
process.exit(0);
