"""numpy model: scenario paths, DCF, metrics, reverse DCF, sensitivity, Monte Carlo, judgments."""
