WHO = "child-a"
