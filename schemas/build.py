#!/usr/bin/env python3
"""Build the JSON Schema bundle portolan embeds for Kubernetes and GitOps manifests.

Usage: python3 schemas/build.py [SRC] [--out DIR]

SRC (default: ../shared/k8s-schemas next to the repository) holds one JSON Schema per
apiVersion and kind at <group>/<kind>_<version>.json (core group: `core`), with the
provenance of every file in SOURCES.md. The `crds/` folder (CRD YAML) is skipped.

Writes to DIR (default: this script's folder):
  bundle.json.gz  gzip of one JSON object, key `<group>/<version>/<kind-lowercase>` ->
                  schema, with schema-keyword `description` and `x-kubernetes-*`
                  annotations removed; sorted keys, gzip mtime 0, so a re-run gives the
                  same bytes
  NOTICE          sources and licenses of every bundled schema
  README.md       what is in the bundle and how to rebuild it

Python 3 standard library only.
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_SRC = os.path.join(REPO, "..", "shared", "k8s-schemas")

# Every schema gets this `$schema` unless it names a versioned draft itself. The files
# use draft-04 keywords only (no boolean exclusiveMinimum, no tuple `items`), whose
# meaning is the same in draft-07; without it, `http://json-schema.org/schema#` and a
# missing `$schema` both mean "latest" (2020-12) to jsonschema, where formats such as
# `duration` mean ISO 8601, not Go's `5m`.
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
VERSIONED_DRAFTS = (
    "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#",
)

# The kinds the platform writes (issue 4): (group, version, Kind). Group "" is core.
REQUIRED = [
    ("", "v1", "Namespace"),
    ("", "v1", "ConfigMap"),
    ("", "v1", "Secret"),
    ("", "v1", "Service"),
    ("", "v1", "ServiceAccount"),
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "StatefulSet"),
    ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"),
    ("networking.k8s.io", "v1", "Ingress"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("argoproj.io", "v1alpha1", "Application"),
    ("argoproj.io", "v1alpha1", "AppProject"),
    ("argoproj.io", "v1alpha1", "ApplicationSet"),
    ("argoproj.io", "v1alpha1", "Rollout"),
    ("argoproj.io", "v1alpha1", "AnalysisTemplate"),
    ("apiextensions.crossplane.io", "v1", "CompositeResourceDefinition"),
    ("apiextensions.crossplane.io", "v2", "CompositeResourceDefinition"),
    ("apiextensions.crossplane.io", "v1", "Composition"),
    ("external-secrets.io", "v1", "ExternalSecret"),
    ("external-secrets.io", "v1", "SecretStore"),
    ("external-secrets.io", "v1", "ClusterSecretStore"),
    ("generators.external-secrets.io", "v1alpha1", "Password"),
    ("databases.schemahero.io", "v1alpha4", "Database"),
    ("schemas.schemahero.io", "v1alpha4", "Table"),
    ("source.toolkit.fluxcd.io", "v1", "GitRepository"),
    ("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
    ("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
    ("kustomize.config.k8s.io", "v1beta1", "Kustomization"),
]

# Bundled beyond the list above, with the kind's spelling (CRD-derived files do not
# carry it).
EXTRA_KINDS = {
    "serving.kserve.io/v1beta1/inferenceservice": "InferenceService",
}

# Keywords whose value is a schema, a list of schemas, or a map of name -> schema.
SCHEMA_ONE = {
    "items", "additionalItems", "additionalProperties", "not", "contains",
    "propertyNames", "if", "then", "else", "unevaluatedItems",
    "unevaluatedProperties",
}
SCHEMA_LIST = {"allOf", "anyOf", "oneOf", "prefixItems"}
SCHEMA_MAP = {"properties", "patternProperties", "definitions", "$defs",
              "dependentSchemas"}
# Keywords whose value is data and is kept as it is.
PLAIN = {
    "$schema", "$id", "$ref", "$comment", "title", "type", "enum", "const", "default",
    "format", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "required", "dependentRequired",
    "readOnly", "writeOnly", "examples",
    # OpenAPI keywords, inert in JSON Schema
    "example", "nullable",
}


class BuildError(Exception):
    pass


def key_of(group, version, kind):
    return "%s/%s/%s" % (group or "core", version, kind.lower())


def api_version_of(group, version):
    return "%s/%s" % (group, version) if group else version


def strip(node, where):
    """The schema without `description` and `x-kubernetes-*` keywords.

    Only keywords are removed: a property called `description` inside `properties`
    (a map of names to schemas) stays, and data (`enum`, `default`, ...) is untouched.
    """
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        raise BuildError("%s: a schema must be an object or a boolean" % where)
    out = {}
    for keyword, value in node.items():
        at = "%s/%s" % (where, keyword)
        if keyword == "description" or keyword.startswith("x-kubernetes-"):
            continue
        if keyword in SCHEMA_ONE:
            if isinstance(value, list):  # draft-04 tuple `items`
                out[keyword] = [strip(v, "%s/%d" % (at, i)) for i, v in enumerate(value)]
            else:
                out[keyword] = strip(value, at)
        elif keyword in SCHEMA_LIST:
            out[keyword] = [strip(v, "%s/%d" % (at, i)) for i, v in enumerate(value)]
        elif keyword in SCHEMA_MAP:
            out[keyword] = {n: strip(v, "%s/%s" % (at, n)) for n, v in value.items()}
        elif keyword == "dependencies":
            out[keyword] = {
                n: v if isinstance(v, list) else strip(v, "%s/%s" % (at, n))
                for n, v in value.items()
            }
        elif keyword in PLAIN:
            out[keyword] = value
        else:
            raise BuildError("%s: unknown keyword `%s`; teach build.py what it holds" % (where, keyword))
    return out


def kind_spelling(key, raw):
    """The kind as users write it: from the issue's list, the schema's own
    group-version-kind or `kind` enum."""
    for group, version, kind in REQUIRED:
        if key_of(group, version, kind) == key:
            return kind
    if key in EXTRA_KINDS:
        return EXTRA_KINDS[key]
    for gvk in raw.get("x-kubernetes-group-version-kind") or []:
        if isinstance(gvk, dict) and str(gvk.get("kind", "")).lower() == key.rsplit("/", 1)[1]:
            return gvk["kind"]
    enum = ((raw.get("properties") or {}).get("kind") or {}).get("enum") or []
    for kind in enum:
        if isinstance(kind, str) and kind.lower() == key.rsplit("/", 1)[1]:
            return kind
    return None


# ---------------------------------------------------------------------------------
# SOURCES.md


def table_rows(lines):
    """Rows of every Markdown table in `lines`, as dicts keyed by the header cells."""
    rows, header = [], None
    for line in lines:
        line = line.strip()
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            header = cells
        elif all(set(c) <= set("-: ") for c in cells):
            continue
        else:
            rows.append(dict(zip(header, cells)))
    return rows


def read_sources(src):
    """Provenance of every file, from SOURCES.md: file -> dict."""
    path = os.path.join(src, "SOURCES.md")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise BuildError("cannot read %s: %s" % (path, e))
    sections = re.split(r"^## ", text, flags=re.M)
    sources, hashes = {}, {}
    for section in sections[1:]:
        title, _, body = section.partition("\n")
        number = title.split(".", 1)[0]
        if number == "5":
            for m in re.finditer(r"^([0-9a-f]{64})\s+(\S+)$", body, flags=re.M):
                hashes[m.group(2)] = m.group(1)
            continue
        m = re.search(r"`([\w.-]+/[\w.-]+)` at `([0-9a-f]{40})`", body)
        if not m:
            continue
        repo, commit = m.group(1), m.group(2)
        path_m = re.search(r"path\s+`([^`]+)`", body)
        rows = table_rows(body.splitlines())
        for row in rows:
            cell = row.get("file (= catalog path)") or row.get("file") or ""
            generated = cell.endswith("(generated)") or number == "2"
            file = re.sub(r"\s*\((generated|unchanged)\)$", "", cell)
            entry = {
                "section": title.strip(),
                "repository": repo,
                "commit": commit,
                "license": row.get("upstream license") or row.get("license") or "",
                "generated": generated,
                "row": row,
            }
            if number == "1":
                entry["path"] = file
                entry["license"] = "MIT (the catalog); upstream: %s" % entry["license"]
            elif number == "2":
                entry["path"] = "%s, definition %s" % (
                    path_m.group(1) if path_m else "?", row.get("OpenAPI definition", "?"))
            else:
                entry["path"] = row.get("source path", "")
            sources[file] = entry
        # Generated files of section 3 name their CRD as "the X CRD above": point them
        # at the CRD row of the same group.
        for file, entry in sources.items():
            if entry["path"].startswith("`openAPIV3Schema`"):
                group = file.split("/", 1)[0]
                for other in sources.values():
                    p = other["path"]
                    if p.endswith(".yaml") and os.path.basename(p).startswith(group + "_"):
                        entry["path"] = "%s (its openAPIV3Schema)" % p
                        entry["last commit"] = other["row"].get("last commit", "")
    return sources, hashes


# ---------------------------------------------------------------------------------
# Outputs


def notice(entries, sources):
    out = []
    w = out.append
    w("portolan: third-party notices for the embedded Kubernetes and GitOps JSON Schemas")
    w("=" * 83)
    w("")
    w("schemas/bundle.json.gz, which is embedded in the portolan binary, holds %d JSON"
      % len(entries))
    w("Schemas built by schemas/build.py from the files listed below. Each comes from,")
    w("or was generated from, a public repository under the MIT License or the Apache")
    w("License, Version 2.0; both texts follow at the end of this file.")
    w("")
    w("Changes (Apache License 2.0, section 4(b)): every bundled schema was modified.")
    w("build.py removed the schema keyword `description` and every `x-kubernetes-*`")
    w("annotation, set `$schema` to draft-07 where no versioned draft was named, and")
    w("added a `title` naming the kind. Files marked \"generated\" below were moreover")
    w("produced from their source (the Kubernetes OpenAPI spec, or a CustomResourceDefinition)")
    w("by converting it to JSON Schema with the openapi2jsonschema / kubeconform rules.")
    w("")
    w("Upstream projects: Kubernetes (The Kubernetes Authors; OpenAPI spec via")
    w("kubernetes-client/javascript), Argo CD (argoproj/argo-cd), Argo Rollouts")
    w("(argoproj/argo-rollouts), Crossplane (crossplane/crossplane), External Secrets")
    w("(external-secrets/external-secrets), Flux (fluxcd/source-controller,")
    w("fluxcd/kustomize-controller, fluxcd/helm-controller), KServe (kserve/kserve),")
    w("SchemaHero (schemahero/schemahero, Copyright 2019 Marc Campbell), Kustomize")
    w("(kubernetes-sigs/kustomize; schema after SchemaStore/schemastore), the conversion")
    w("rules of instrumenta/openapi2jsonschema, all Apache-2.0; and the schema catalog")
    w("datreeio/CRDs-catalog (MIT, Copyright (c) 2022 datree.io).")
    w("")
    w("")
    w("Bundled schemas")
    w("---------------")
    for key, file, digest in entries:
        s = sources[file]
        w("")
        w("%s%s" % (key, "  (generated)" if s["generated"] else ""))
        w("  file:        %s (sha256 %s)" % (file, digest))
        w("  repository:  %s" % s["repository"])
        w("  commit:      %s" % s["commit"])
        w("  path:        %s" % s["path"])
        row = s["row"]
        last = s.get("last commit") or row.get("last commit")
        if last:
            w("  last change: %s" % last)
        if row.get("upstream project, CRD source"):
            w("  upstream:    %s" % row["upstream project, CRD source"])
        if row.get("verified against"):
            w("  verified:    %s" % row["verified against"])
        w("  license:     %s" % s["license"])
    w("")
    w("")
    w("MIT License (datreeio/CRDs-catalog)")
    w("-----------------------------------")
    w("")
    out.append(MIT_DATREE)
    w("")
    w("Apache License, Version 2.0 (every other repository above)")
    w("-----------------------------------------------------------")
    w("")
    out.append(APACHE_2_0)
    return "\n".join(out)


def readme(entries):
    groups = sorted({key.split("/", 1)[0] for key, _, _ in entries})
    return (
        "# Embedded Kubernetes and GitOps schemas\n"
        "\n"
        "`bundle.json.gz` is compiled into portolan (`src/manifests/bundle.rs`) and holds "
        "%d strict JSON Schemas, one per apiVersion and kind, keyed "
        "`<group>/<version>/<kind-lowercase>` with `core` for the core group "
        "(`apps/v1/deployment`, `core/v1/service`), for the groups %s. "
        "They are the kubeconform-style schemas of `../shared/k8s-schemas` (Kubernetes "
        "release-1.36 core kinds, CRDs-catalog files for Argo CD, Argo Rollouts, "
        "Crossplane, External Secrets, Flux and KServe, SchemaHero converted from its "
        "CRDs, and a hand-written Kustomize `kustomization`) with descriptions and "
        "`x-kubernetes-*` annotations stripped; `NOTICE` gives every file's source, "
        "commit and license and must ship with the binary. Rebuild after changing the "
        "source folder with `python3 schemas/build.py [SRC]` (standard library only; "
        "the output is byte-for-byte reproducible, and a unit test in `bundle.rs` "
        "checks that the committed files are current when the source folder is "
        "present), then commit `bundle.json.gz`, `NOTICE` and `README.md`.\n"
        % (len(entries), ", ".join("`%s`" % g for g in groups))
    )


def build(src, out_dir):
    sources, hashes = read_sources(src)
    bundle, entries, problems = {}, [], []
    for group in sorted(os.listdir(src)):
        folder = os.path.join(src, group)
        if group == "crds" or group.startswith(".") or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            stem = name[: -len(".json")]
            kind, sep, version = stem.rpartition("_")
            if not sep or not kind or not version:
                problems.append("%s/%s: not named <kind>_<version>.json" % (group, name))
                continue
            file = "%s/%s" % (group, name)
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            if file not in sources:
                problems.append("%s: not listed in SOURCES.md; its license is unknown" % file)
                continue
            if hashes.get(file) != digest:
                problems.append("%s: sha256 %s differs from SOURCES.md (%s)"
                                % (file, digest, hashes.get(file, "missing")))
                continue
            try:
                raw = json.loads(data.decode("utf-8"))
                schema = strip(raw, file + "#")
            except (ValueError, BuildError) as e:
                problems.append("%s: %s" % (file, e))
                continue
            key = "%s/%s/%s" % (group, version, kind.lower())
            if schema.get("$schema") not in VERSIONED_DRAFTS:
                schema["$schema"] = DRAFT_07
            title = kind_spelling(key, raw)
            if title is None:
                problems.append("%s: cannot tell how the kind is spelt; add it to EXTRA_KINDS" % file)
                continue
            schema["title"] = title
            bundle[key] = schema
            entries.append((key, file, digest))
    if problems:
        raise BuildError("\n".join(problems))

    missing = [
        "%s %s" % (api_version_of(g, v), k)
        for g, v, k in REQUIRED
        if key_of(g, v, k) not in bundle
    ]

    payload = json.dumps(bundle, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode("utf-8")
    compressed = gzip.compress(payload, compresslevel=9, mtime=0)
    os.makedirs(out_dir, exist_ok=True)
    write(os.path.join(out_dir, "bundle.json.gz"), compressed)
    write(os.path.join(out_dir, "NOTICE"), notice(entries, sources).encode("utf-8"))
    write(os.path.join(out_dir, "README.md"), readme(entries).encode("utf-8"))
    return entries, missing, len(payload), len(compressed)


def write(path, data):
    """Replace `path` atomically."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=DEFAULT_SRC,
                        help="the schema folder (default: ../shared/k8s-schemas)")
    parser.add_argument("--out", default=HERE,
                        help="where to write bundle.json.gz, NOTICE and README.md "
                             "(default: the folder of this script)")
    args = parser.parse_args()
    try:
        entries, missing, raw_size, gz_size = build(os.path.normpath(args.src), args.out)
    except (BuildError, OSError) as e:
        print("build.py: %s" % e, file=sys.stderr)
        return 1
    print("%d schemas, %d bytes of JSON, %d bytes compressed -> %s"
          % (len(entries), raw_size, gz_size, os.path.join(args.out, "bundle.json.gz")))
    if missing:
        print("missing kinds (%d):" % len(missing))
        for m in missing:
            print("  " + m)
    else:
        print("every listed kind is present")
    return 0


MIT_DATREE = """\
MIT License

Copyright (c) 2022 datree.io

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

APACHE_2_0 = r"""
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      "License" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.

      "Licensor" shall mean the copyright owner or entity authorized by
      the copyright owner that is granting the License.

      "Legal Entity" shall mean the union of the acting entity and all
      other entities that control, are controlled by, or are under common
      control with that entity. For the purposes of this definition,
      "control" means (i) the power, direct or indirect, to cause the
      direction or management of such entity, whether by contract or
      otherwise, or (ii) ownership of fifty percent (50%) or more of the
      outstanding shares, or (iii) beneficial ownership of such entity.

      "You" (or "Your") shall mean an individual or Legal Entity
      exercising permissions granted by this License.

      "Source" form shall mean the preferred form for making modifications,
      including but not limited to software source code, documentation
      source, and configuration files.

      "Object" form shall mean any form resulting from mechanical
      transformation or translation of a Source form, including but
      not limited to compiled object code, generated documentation,
      and conversions to other media types.

      "Work" shall mean the work of authorship, whether in Source or
      Object form, made available under the License, as indicated by a
      copyright notice that is included in or attached to the work
      (an example is provided in the Appendix below).

      "Derivative Works" shall mean any work, whether in Source or Object
      form, that is based on (or derived from) the Work and for which the
      editorial revisions, annotations, elaborations, or other modifications
      represent, as a whole, an original work of authorship. For the purposes
      of this License, Derivative Works shall not include works that remain
      separable from, or merely link (or bind by name) to the interfaces of,
      the Work and Derivative Works thereof.

      "Contribution" shall mean any work of authorship, including
      the original version of the Work and any modifications or additions
      to that Work or Derivative Works thereof, that is intentionally
      submitted to Licensor for inclusion in the Work by the copyright owner
      or by an individual or Legal Entity authorized to submit on behalf of
      the copyright owner. For the purposes of this definition, "submitted"
      means any form of electronic, verbal, or written communication sent
      to the Licensor or its representatives, including but not limited to
      communication on electronic mailing lists, source code control systems,
      and issue tracking systems that are managed by, or on behalf of, the
      Licensor for the purpose of discussing and improving the Work, but
      excluding communication that is conspicuously marked or otherwise
      designated in writing by the copyright owner as "Not a Contribution."

      "Contributor" shall mean Licensor and any individual or Legal Entity
      on behalf of whom a Contribution has been received by Licensor and
      subsequently incorporated within the Work.

   2. Grant of Copyright License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      copyright license to reproduce, prepare Derivative Works of,
      publicly display, publicly perform, sublicense, and distribute the
      Work and such Derivative Works in Source or Object form.

   3. Grant of Patent License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      (except as stated in this section) patent license to make, have made,
      use, offer to sell, sell, import, and otherwise transfer the Work,
      where such license applies only to those patent claims licensable
      by such Contributor that are necessarily infringed by their
      Contribution(s) alone or by combination of their Contribution(s)
      with the Work to which such Contribution(s) was submitted. If You
      institute patent litigation against any entity (including a
      cross-claim or counterclaim in a lawsuit) alleging that the Work
      or a Contribution incorporated within the Work constitutes direct
      or contributory patent infringement, then any patent licenses
      granted to You under this License for that Work shall terminate
      as of the date such litigation is filed.

   4. Redistribution. You may reproduce and distribute copies of the
      Work or Derivative Works thereof in any medium, with or without
      modifications, and in Source or Object form, provided that You
      meet the following conditions:

      (a) You must give any other recipients of the Work or
          Derivative Works a copy of this License; and

      (b) You must cause any modified files to carry prominent notices
          stating that You changed the files; and

      (c) You must retain, in the Source form of any Derivative Works
          that You distribute, all copyright, patent, trademark, and
          attribution notices from the Source form of the Work,
          excluding those notices that do not pertain to any part of
          the Derivative Works; and

      (d) If the Work includes a "NOTICE" text file as part of its
          distribution, then any Derivative Works that You distribute must
          include a readable copy of the attribution notices contained
          within such NOTICE file, excluding those notices that do not
          pertain to any part of the Derivative Works, in at least one
          of the following places: within a NOTICE text file distributed
          as part of the Derivative Works; within the Source form or
          documentation, if provided along with the Derivative Works; or,
          within a display generated by the Derivative Works, if and
          wherever such third-party notices normally appear. The contents
          of the NOTICE file are for informational purposes only and
          do not modify the License. You may add Your own attribution
          notices within Derivative Works that You distribute, alongside
          or as an addendum to the NOTICE text from the Work, provided
          that such additional attribution notices cannot be construed
          as modifying the License.

      You may add Your own copyright statement to Your modifications and
      may provide additional or different license terms and conditions
      for use, reproduction, or distribution of Your modifications, or
      for any such Derivative Works as a whole, provided Your use,
      reproduction, and distribution of the Work otherwise complies with
      the conditions stated in this License.

   5. Submission of Contributions. Unless You explicitly state otherwise,
      any Contribution intentionally submitted for inclusion in the Work
      by You to the Licensor shall be under the terms and conditions of
      this License, without any additional terms or conditions.
      Notwithstanding the above, nothing herein shall supersede or modify
      the terms of any separate license agreement you may have executed
      with Licensor regarding such Contributions.

   6. Trademarks. This License does not grant permission to use the trade
      names, trademarks, service marks, or product names of the Licensor,
      except as required for reasonable and customary use in describing the
      origin of the Work and reproducing the content of the NOTICE file.

   7. Disclaimer of Warranty. Unless required by applicable law or
      agreed to in writing, Licensor provides the Work (and each
      Contributor provides its Contributions) on an "AS IS" BASIS,
      WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
      implied, including, without limitation, any warranties or conditions
      of TITLE, NON-INFRINGEMENT, MERCHANTABILITY, or FITNESS FOR A
      PARTICULAR PURPOSE. You are solely responsible for determining the
      appropriateness of using or redistributing the Work and assume any
      risks associated with Your exercise of permissions under this License.

   8. Limitation of Liability. In no event and under no legal theory,
      whether in tort (including negligence), contract, or otherwise,
      unless required by applicable law (such as deliberate and grossly
      negligent acts) or agreed to in writing, shall any Contributor be
      liable to You for damages, including any direct, indirect, special,
      incidental, or consequential damages of any character arising as a
      result of this License or out of the use or inability to use the
      Work (including but not limited to damages for loss of goodwill,
      work stoppage, computer failure or malfunction, or any and all
      other commercial damages or losses), even if such Contributor
      has been advised of the possibility of such damages.

   9. Accepting Warranty or Additional Liability. While redistributing
      the Work or Derivative Works thereof, You may choose to offer,
      and charge a fee for, acceptance of support, warranty, indemnity,
      or other liability obligations and/or rights consistent with this
      License. However, in accepting such obligations, You may act only
      on Your own behalf and on Your sole responsibility, not on behalf
      of any other Contributor, and only if You agree to indemnify,
      defend, and hold each Contributor harmless for any liability
      incurred by, or claims asserted against, such Contributor by reason
      of your accepting any such warranty or additional liability.

   END OF TERMS AND CONDITIONS

   APPENDIX: How to apply the Apache License to your work.

      To apply the Apache License to your work, attach the following
      boilerplate notice, with the fields enclosed by brackets "[]"
      replaced with your own identifying information. (Don't include
      the brackets!)  The text should be enclosed in the appropriate
      comment syntax for the file format. We also recommend that a
      file or class name and description of purpose be included on the
      same "printed page" as the copyright notice for easier
      identification within third-party archives.

   Copyright [yyyy] [name of copyright owner]

   Licensed under the Apache License, Version 2.0 (the "License");
   you may not use this file except in compliance with the License.
   You may obtain a copy of the License at

       http://www.apache.org/licenses/LICENSE-2.0

   Unless required by applicable law or agreed to in writing, software
   distributed under the License is distributed on an "AS IS" BASIS,
   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   See the License for the specific language governing permissions and
   limitations under the License.
"""

if __name__ == "__main__":
    sys.exit(main())
