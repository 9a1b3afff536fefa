"""Same module name in both twins: each function must see its own."""
WHO = "twin-b"
