WHO = "lazy-twin-b"
