// Mocha's spec output for people, plus the run's totals as JSON for .ci/run's closing
// "N passed, N failed" line, so CI counts exactly what mocha counted.
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.MOCHA_REPORTER_JSON;
      if (!out) return;
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({ stats: this.stats }));
    });
  }
}

module.exports = SpecWithTotals;
