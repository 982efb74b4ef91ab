//! The load generator: wrk at a fixed number of connections for a fixed time, its requests/s
//! and latency percentiles read from its `--latency` report.

use std::time::Duration;

use anyhow::{Context, Result, bail};

/// What wrk measured for one URL.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses that were not 2xx/3xx, and socket errors.
    pub errors: u64,
    pub requests: u64,
}

/// Runs wrk (2 threads, `connections` connections) against `url` for `time`, with extra
/// request headers.
pub fn wrk(
    url: &str,
    connections: usize,
    time: Duration,
    headers: &[(&str, &str)],
) -> Result<Load> {
    let mut cmd = std::process::Command::new("wrk");
    cmd.arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", time.as_secs().max(1)))
        .arg("--latency")
        .arg("--timeout")
        .arg("10s");
    for (k, v) in headers {
        cmd.arg("-H").arg(format!("{k}: {v}"));
    }
    cmd.arg(url);
    let out = cmd
        .output()
        .context("run wrk (apt-get install wrk; scripts/bench.sh installs it)")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "wrk failed: {}{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    parse(&text).with_context(|| format!("reading wrk's report:\n{text}"))
}

/// Reads wrk's report.
pub fn parse(text: &str) -> Result<Load> {
    let mut load = Load {
        requests_per_sec: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        errors: 0,
        requests: 0,
    };
    for line in text.lines() {
        let l = line.trim();
        let mut words = l.split_whitespace();
        match words.next() {
            Some("Requests/sec:") => {
                load.requests_per_sec = words.next().context("Requests/sec value")?.parse()?;
            }
            Some("50%") => load.p50_ms = millis(words.next().context("p50")?)?,
            Some("99%") => load.p99_ms = millis(words.next().context("p99")?)?,
            Some("Non-2xx") => {
                load.errors += l
                    .rsplit(' ')
                    .next()
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0);
            }
            Some("Socket") => {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                load.errors += l
                    .split([',', ':'])
                    .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
        if let Some((n, _)) = l.split_once(" requests in ") {
            load.requests = n.trim().parse().unwrap_or(0);
        }
    }
    if load.requests_per_sec == 0.0 {
        bail!("no Requests/sec line");
    }
    Ok(load)
}

/// wrk's durations: `812.00us`, `1.23ms`, `2.01s`.
fn millis(v: &str) -> Result<f64> {
    let (n, unit) = v
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| v.split_at(i))
        .context("a unit")?;
    let n: f64 = n.parse()?;
    Ok(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        other => bail!("unknown unit {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let report = "Running 1s test @ http://127.0.0.1:8080/\n  2 threads and 16 connections\n  Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n     99%    2.01s\n  12345 requests in 1.00s, 1.20MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  12345.67\nTransfer/sec:      1.20MB\n";
        let l = parse(report).unwrap();
        assert_eq!(l.requests, 12345);
        assert!((l.requests_per_sec - 12345.67).abs() < 1e-6);
        assert!((l.p50_ms - 0.812).abs() < 1e-9);
        assert!((l.p99_ms - 2010.0).abs() < 1e-9);
        assert_eq!(l.errors, 3);
    }
}
