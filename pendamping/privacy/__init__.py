"""Personal-data operations under UU 27/2022 (PDP): access requests, corrections, restriction of processing,
retention (anonymisation) and alerts on mass export or mass viewing."""
