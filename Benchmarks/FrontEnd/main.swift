print("rein-bench: not yet")
