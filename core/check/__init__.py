"""The compliance check (合规性审查): red lines against the control layers, areas and verdicts."""
