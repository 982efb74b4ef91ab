//! Scenario: inbound (being written).

use anyhow::{Result, bail};

use crate::Opts;
use crate::report::Figure;

/// Runs the scenario.
pub async fn run(_opts: &Opts) -> Result<Vec<Figure>> {
    bail!("the inbound scenario is not written yet")
}
