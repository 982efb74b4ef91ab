//! The figures a run produces: one row each, printed as a table and written as JSON.

use serde::Serialize;

/// One measured figure, with what it is compared against in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// The scenario (`pages`, `fanout`, `inbound`, `sync`, `client`, `memory`).
    pub scenario: String,
    /// What was measured, e.g. `channel page req/s`.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit: `req/s`, `ms`, `MB`, `deliveries/s`, …
    pub unit: String,
    /// The ceiling (or the peer) measured in the same run: its name and value, same unit.
    pub against: Option<(String, f64)>,
    /// The target from the issue, in words (`≥ 25 % of the ceiling`, `≤ 20 MB`).
    pub target: Option<String>,
    /// Whether the target is met (`None` when there is no target or it cannot be judged).
    pub met: Option<bool>,
    /// Anything a reader needs: sizes, counts, the database.
    pub note: String,
}

impl Figure {
    /// A figure without a ceiling or a target.
    pub fn new(scenario: &str, name: &str, value: f64, unit: &str) -> Self {
        Self {
            scenario: scenario.into(),
            name: name.into(),
            value,
            unit: unit.into(),
            against: None,
            target: None,
            met: None,
            note: String::new(),
        }
    }

    /// Compared with `what`, measured in the same run.
    pub fn against(mut self, what: &str, value: f64) -> Self {
        self.against = Some((what.into(), value));
        self
    }

    /// A target in words and whether it is met.
    pub fn target(mut self, words: &str, met: bool) -> Self {
        self.target = Some(words.into());
        self.met = Some(met);
        self
    }

    /// A note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// value / against, when there is something to compare with.
    pub fn ratio(&self) -> Option<f64> {
        self.against
            .as_ref()
            .filter(|(_, v)| *v > 0.0)
            .map(|(_, v)| self.value / v)
    }
}

/// Every figure of a run, in the order measured.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// When the run started (RFC 3339).
    pub started: String,
    /// The machine: cores, memory, kernel, CPU model.
    pub machine: String,
    /// Smoke size (CI) or full size.
    pub smoke: bool,
    /// The figures.
    pub figures: Vec<Figure>,
    /// Scenarios that failed, and why (a run goes on after a failed scenario).
    pub failed: Vec<(String, String)>,
}

impl Report {
    /// Adds figures, printing each as it comes (a long run shows progress).
    pub fn add(&mut self, figures: Vec<Figure>) {
        for f in figures {
            eprintln!("bench: {}", line(&f));
            self.figures.push(f);
        }
    }

    /// The table, one row per figure.
    pub fn table(&self) -> String {
        let mut rows = vec![[
            "scenario".to_string(),
            "figure".into(),
            "value".into(),
            "against (same run)".into(),
            "ratio".into(),
            "target".into(),
            "note".into(),
        ]];
        for f in &self.figures {
            rows.push([
                f.scenario.clone(),
                f.name.clone(),
                format!("{} {}", number(f.value), f.unit),
                f.against
                    .as_ref()
                    .map(|(w, v)| format!("{w}: {} {}", number(*v), f.unit))
                    .unwrap_or_default(),
                f.ratio().map(ratio_words).unwrap_or_default(),
                match (&f.target, f.met) {
                    (Some(t), Some(true)) => format!("{t} (met)"),
                    (Some(t), Some(false)) => format!("{t} (MISSED)"),
                    (Some(t), None) => t.clone(),
                    (None, _) => String::new(),
                },
                f.note.clone(),
            ]);
        }
        let widths: Vec<usize> = (0..7)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for (n, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}", w = *w))
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
            if n == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
            }
        }
        for (s, why) in &self.failed {
            out.push_str(&format!("\nFAILED {s}: {why}\n"));
        }
        out
    }
}

fn line(f: &Figure) -> String {
    let mut s = format!(
        "{} / {}: {} {}",
        f.scenario,
        f.name,
        number(f.value),
        f.unit
    );
    if let Some((w, v)) = &f.against {
        s.push_str(&format!(" (against {w}: {} {}", number(*v), f.unit));
        if let Some(r) = f.ratio() {
            s.push_str(&format!(", {}", ratio_words(r)));
        }
        s.push(')');
    }
    s
}

/// A ratio as a percentage when below 10×, else as a multiple.
fn ratio_words(r: f64) -> String {
    if r < 10.0 {
        format!("{:.0} %", r * 100.0)
    } else {
        format!("{r:.0}×")
    }
}

/// A number with sensible precision.
pub fn number(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The machine, in one line (from /proc).
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    format!(
        "{cores} cores ({model}), {:.1} GiB, Linux {kernel}",
        mem_kb as f64 / 1024.0 / 1024.0
    )
}
