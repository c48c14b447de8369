"""The fit loop of the installed Keras against the one the suite simulates (Keras 3.15.1's):
`record` records both hook by hook for a run shape, `judge` turns the differences into a
verdict per `fit.*` clause. Needs the installed Keras (and its backend) to run `fit`."""
