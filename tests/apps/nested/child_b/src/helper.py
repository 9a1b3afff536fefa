WHO = "child-b"
