"""Privacy writes: access requests and corrections, restrictions, retention, alerts. Import from the modules."""
