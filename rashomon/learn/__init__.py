"""Training of every shipped model and the studies behind them: ``rashomon train ...`` (the lab; nothing in the
runtime imports it). Data comes from ``rashomon.datasets``, the fits from ``rashomon.linear``."""
