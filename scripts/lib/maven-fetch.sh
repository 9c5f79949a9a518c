# Sourced by the scripts that fetch a Java server from Maven Central into a
# cache directory and build a small launcher for it (scripts/opensearch.sh,
# scripts/dynamodb-local.sh). Maven has no "download these artifacts with their
# dependencies into a folder" command, so a throwaway pom that depends on them
# and the dependency plugin's copy-dependencies do it.

# maven_workdir CACHE_DIR: a fresh build directory beside CACHE_DIR (same
# filesystem, so the finished build moves into place in one rename), removed on exit.
maven_workdir() {
  mkdir -p "$(dirname "$1")"
  maven_work="$(mktemp -d "$(dirname "$1")/.$(basename "$1").XXXXXX")"
  trap 'rm -rf "$maven_work"' EXIT
}

# maven_copy_dependencies NAME WORK OUT_DIR COORDINATES [MVN_ARGS…]: copies the
# runtime dependencies of COORDINATES (one or more group:artifact:version[:type],
# space-separated) into OUT_DIR; Maven's output is shown only when it fails.
maven_copy_dependencies() {
  local name="$1" work="$2" out="$3" coordinates="$4" dependencies="" coordinate group artifact version type
  shift 4
  for coordinate in $coordinates; do
    IFS=: read -r group artifact version type <<<"$coordinate"
    dependencies+="
    <dependency>
      <groupId>$group</groupId>
      <artifactId>$artifact</artifactId>
      <version>$version</version>${type:+
      <type>$type</type>}
    </dependency>"
  done
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.meridian.tools</groupId>
  <artifactId>$name-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>$dependencies
  </dependencies>
</project>
POM
  if ! mvn -q -B --no-transfer-progress -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$out" -DincludeScope=runtime "$@" >"$work/mvn.log" 2>&1; then
    cat "$work/mvn.log" >&2
    echo "$name: fetching $coordinates from Maven Central failed" >&2
    exit 1
  fi
}

# maven_install_build BUILD_DIR CACHE_DIR STAMP: records STAMP as the build's
# VERSION and replaces CACHE_DIR with it.
maven_install_build() {
  echo "$3" >"$1/VERSION"
  rm -rf "$2"
  mv "$1" "$2"
}
