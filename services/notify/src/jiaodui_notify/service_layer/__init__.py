"""notify's use cases: accept notices into the delivery log, and send what is due."""
