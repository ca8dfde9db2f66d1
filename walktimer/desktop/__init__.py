"""The desktop's session bus: walktimer as an MPRIS player, and other players ducked for cues.

The only package that imports jeepney. It knows nothing of Qt: each host hands it callables
and marshals them onto its own thread.
"""
