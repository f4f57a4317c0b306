"""Forms of the backlog, one module per subject; views parse all input through them."""
