"""The domain: plain values and pure rules. No Textual, no SQL, no I/O."""
