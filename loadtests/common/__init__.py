"""What every system's locustfile shares: the cold-start split and the gates at test stop."""
