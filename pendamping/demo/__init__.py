"""The deterministic demo data set: families, KUBE, grants, companions, and one login per role.

`demo_seed` writes straight to the tables in large batches (bypassing the services, for speed) but only
rows the services would accept: valid NIKs prefixed by the family's kecamatan, members from the KUBE's
desa, one current KUBE per family, 5-20 members and exactly one ketua, sekretaris and bendahara per KUBE,
grants paid in tranches that never exceed them, caseloads within the limit."""
