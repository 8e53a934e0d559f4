"""Part IV, living with synthetic data: what prevents collapse, and telling synthetic from real."""
