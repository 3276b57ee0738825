"""Open data pages (`opendata:*`, /donnees/), open to everyone, no sign-in.

The documentation page lists each file, its fields, encoding and licence; the files are
computed live. CSV files stream (one line at a time); JSON files are one document.
"""

from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from reporting import opendata


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def index(request):
    files = []
    for dataset in opendata.DATASETS:
        files.append(
            {
                "dataset": dataset,
                "csv_url": reverse(f"opendata:{_url_name(dataset)}_csv"),
                "json_url": reverse(f"opendata:{_url_name(dataset)}_json"),
            }
        )
    return render(
        request,
        "reporting/opendata/index.html",
        {
            "files": files,
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "separator": opendata.LIST_SEPARATOR.strip(),
        },
    )


def _url_name(dataset) -> str:
    return "organisations" if dataset is opendata.ORGANISATIONS else "funded_projects"


def _csv(request, dataset):
    rows = opendata.ROWS[dataset.slug](_base_url(request))
    response = StreamingHttpResponse(
        opendata.csv_lines(dataset, rows), content_type=opendata.CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(request, dataset):
    rows = opendata.ROWS[dataset.slug](_base_url(request))
    document = opendata.json_document(dataset, rows, source=request.build_absolute_uri())
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{dataset.slug}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def organisations_csv(request):
    return _csv(request, opendata.ORGANISATIONS)


def organisations_json(request):
    return _json(request, opendata.ORGANISATIONS)


def funded_projects_csv(request):
    return _csv(request, opendata.FUNDED_PROJECTS)


def funded_projects_json(request):
    return _json(request, opendata.FUNDED_PROJECTS)
