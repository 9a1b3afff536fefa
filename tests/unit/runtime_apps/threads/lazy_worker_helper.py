NAME = "threads-helper"
