"""notify's SQL: the delivery queue and log, the directory of addresses, the inbox."""
