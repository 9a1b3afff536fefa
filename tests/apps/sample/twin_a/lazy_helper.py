WHO = "lazy-twin-a"
