"""The evaluation pages (server-rendered, htmx): studies, analyses, answers, the power calculator."""
