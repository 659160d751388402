"""`make bench`: the DESIGN §7 scenarios, each beside its baseline, on the local stack."""
