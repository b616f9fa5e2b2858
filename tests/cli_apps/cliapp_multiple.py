"""Two apps and no ``app``: ambiguous without a name."""

from kolba import Kolba

app1 = Kolba("cliapp_multiple_1", static_folder=None)
app2 = Kolba("cliapp_multiple_2", static_folder=None)
