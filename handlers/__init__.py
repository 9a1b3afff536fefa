"""Reference systems' Lambda code: one folder per system plus the shared layer in common/."""
