"""notify's pure rules."""
