"""The ways a call is run through the pipeline: replay of a recorded file (``replay``), live
capture from two audio streams (``live``), and timing the replay path (``bench``). All of them
feed the same ``Pipeline`` with ``feed.run_chunks`` or chunk by chunk as audio arrives."""
