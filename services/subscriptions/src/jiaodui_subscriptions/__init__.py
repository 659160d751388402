"""jiaodui subscriptions: the public events as signed webhooks and a pull feed (DESIGN §8)."""
