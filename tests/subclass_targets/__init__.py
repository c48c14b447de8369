"""A team's own callbacks: Keras's four, subclassed unchanged, as a module of a project
would hold them. `declared` says so in one line (`conformance_like = "keras"`); `plain`
does not, and is driven as any module is."""
