"""Forms of the enterprise pages. They check the shape of the input only; the rules are the services'."""
