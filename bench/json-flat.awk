# json-flat.awk: prints every scalar of a JSON document as "path<TAB>value", the path being the
# object keys and array indexes from the top joined by "." (connections.established,
# 0.params.suite); strings without their quotes, escapes left as they are. For the JSON that
# tbox-sim and JMH write (a token never spans lines); not a validator. Works with mawk and gawk.
{
  line = $0
  while (line != "") {
    c = substr(line, 1, 1)
    if (c == "{" || c == "[") {
      depth++; kind[depth] = c; index_at[depth] = 0; key_at[depth] = ""; want_key[depth] = (c == "{")
      line = substr(line, 2)
    } else if (c == "}" || c == "]") {
      depth--; line = substr(line, 2)
    } else if (c == ",") {
      if (kind[depth] == "[") index_at[depth]++; else want_key[depth] = 1
      line = substr(line, 2)
    } else if (c == "\"") {
      match(line, /^"([^"\\]|\\.)*"/)
      s = substr(line, 2, RLENGTH - 2); line = substr(line, RLENGTH + 1)
      if (kind[depth] == "{" && want_key[depth]) { key_at[depth] = s; want_key[depth] = 0 } else emit(s)
    } else if (c ~ /[ \t\r:]/) {
      line = substr(line, 2)
    } else {
      match(line, /^[^,}\] \t\r]+/)
      emit(substr(line, 1, RLENGTH)); line = substr(line, RLENGTH + 1)
    }
  }
}
function emit(value,   path, i) {
  path = ""
  for (i = 1; i <= depth; i++) path = path (i > 1 ? "." : "") (kind[i] == "[" ? index_at[i] : key_at[i])
  print path "\t" value
}
