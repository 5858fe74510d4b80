"""Values every page shows: the data licence (in the footer)."""

from partnerships.licence import data_licence


def open_data(request):
    return {"data_licence": data_licence()}
