"""HTTP routes, one blueprint per capability. Views are short: read input, call a service, return."""
