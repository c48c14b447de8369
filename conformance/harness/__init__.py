"""The harness: a simulated `keras.Model.fit`, a model that records what callbacks do
to it, and the Observation of everything a user could see."""
