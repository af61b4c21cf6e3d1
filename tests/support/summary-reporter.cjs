/**
 * Prints the run's totals as one plain closing line ("N passed, N failed, N skipped"),
 * which CI reads whatever the runner.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const store = process.env.DATABASE_URL ? 'server store' : 'embedded store';
    process.stderr.write(
      `\n${store}:\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
