"""corrections's pure rules."""
