// A small JSON reader and writer for the runtime client (no NuGet).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Gureum.Lambda
{
    public static class Json
    {
        public static object Parse(string s)
        {
            int i = 0;
            Ws(s, ref i);
            if (i >= s.Length) return null;
            var v = Value(s, ref i);
            Ws(s, ref i);
            if (i != s.Length) throw new FormatException("Unexpected data after the JSON value at offset " + i);
            return v;
        }

        static void Ws(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
        }

        static void Expect(string s, ref int i, char c)
        {
            if (i >= s.Length || s[i] != c) throw new FormatException("Expected '" + c + "' at offset " + i);
            i++;
        }

        static object Value(string s, ref int i)
        {
            if (i >= s.Length) throw new FormatException("Unexpected end of JSON");
            char c = s[i];
            if (c == '{')
            {
                i++;
                var m = new Dictionary<string, object>();
                Ws(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return m; }
                while (true)
                {
                    Ws(s, ref i);
                    string k = Str(s, ref i);
                    Ws(s, ref i);
                    Expect(s, ref i, ':');
                    Ws(s, ref i);
                    m[k] = Value(s, ref i);
                    Ws(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    Expect(s, ref i, '}');
                    return m;
                }
            }
            if (c == '[')
            {
                i++;
                var l = new List<object>();
                Ws(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return l; }
                while (true)
                {
                    Ws(s, ref i);
                    l.Add(Value(s, ref i));
                    Ws(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    Expect(s, ref i, ']');
                    return l;
                }
            }
            if (c == '"') return Str(s, ref i);
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int st = i;
            bool frac = false;
            while (i < s.Length && ("0123456789+-.eE".IndexOf(s[i]) >= 0))
            {
                if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') frac = true;
                i++;
            }
            if (st == i) throw new FormatException("Unexpected character '" + c + "' at offset " + i);
            string n = s.Substring(st, i - st);
            long lv;
            if (!frac && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out lv)) return lv;
            return double.Parse(n, CultureInfo.InvariantCulture);
        }

        static string Str(string s, ref int i)
        {
            Expect(s, ref i, '"');
            var b = new StringBuilder();
            while (true)
            {
                if (i >= s.Length) throw new FormatException("Unterminated string");
                char c = s[i++];
                if (c == '"') return b.ToString();
                if (c != '\\') { b.Append(c); continue; }
                char e = s[i++];
                switch (e)
                {
                    case 'n': b.Append('\n'); break;
                    case 't': b.Append('\t'); break;
                    case 'r': b.Append('\r'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'u': b.Append((char)System.Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
                    default: b.Append(e); break;
                }
            }
        }

        public static object Deserialize(string json, Type t)
        {
            return Convert(Parse(json), t);
        }

        public static object Convert(object v, Type t)
        {
            if (t == typeof(object)) return v;
            var nullable = Nullable.GetUnderlyingType(t);
            if (v == null) return t.IsValueType && nullable == null ? Activator.CreateInstance(t) : null;
            if (nullable != null) t = nullable;
            if (t.IsInstanceOfType(v) && !(v is Dictionary<string, object> && t != typeof(Dictionary<string, object>) && t != typeof(IDictionary<string, object>))
                && !(v is List<object> && t != typeof(List<object>) && t != typeof(IList<object>) && t != typeof(IEnumerable<object>)))
                return v;
            if (t == typeof(string)) return v is string ? v : Serialize(v);
            if (t.IsEnum) return v is string ? Enum.Parse(t, (string)v, true) : Enum.ToObject(t, v);
            if (v is long || v is double || v is bool || v is string)
            {
                if (t == typeof(decimal)) return v is string ? decimal.Parse((string)v, CultureInfo.InvariantCulture) : System.Convert.ToDecimal(v, CultureInfo.InvariantCulture);
                if (t == typeof(DateTime)) return DateTime.Parse((string)v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                if (t == typeof(Guid)) return new Guid((string)v);
                if (t.IsPrimitive) return System.Convert.ChangeType(v, t, CultureInfo.InvariantCulture);
            }
            var list = v as List<object>;
            if (list != null)
            {
                if (t.IsArray)
                {
                    var et = t.GetElementType();
                    var a = Array.CreateInstance(et, list.Count);
                    for (int k = 0; k < list.Count; k++) a.SetValue(Convert(list[k], et), k);
                    return a;
                }
                var elem = t.IsGenericType ? t.GetGenericArguments()[0] : typeof(object);
                var lt = t.IsInterface ? typeof(List<>).MakeGenericType(elem) : t;
                var l = (IList)Activator.CreateInstance(lt);
                foreach (var o in list) l.Add(Convert(o, elem));
                return l;
            }
            var dict = v as Dictionary<string, object>;
            if (dict != null)
            {
                if (typeof(IDictionary).IsAssignableFrom(t) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
                {
                    var vt = t.IsGenericType ? t.GetGenericArguments()[1] : typeof(object);
                    var dt = t.IsInterface ? typeof(Dictionary<,>).MakeGenericType(typeof(string), vt) : t;
                    var d = (IDictionary)Activator.CreateInstance(dt);
                    foreach (var e in dict) d[e.Key] = Convert(e.Value, vt);
                    return d;
                }
                var o = Activator.CreateInstance(t);
                foreach (var e in dict)
                {
                    var p = t.GetProperty(e.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                    if (p != null && p.CanWrite) { p.SetValue(o, Convert(e.Value, p.PropertyType), null); continue; }
                    var f = t.GetField(e.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                    if (f != null) f.SetValue(o, Convert(e.Value, f.FieldType));
                }
                return o;
            }
            throw new InvalidCastException("Cannot convert " + Serialize(v) + " to " + t.FullName);
        }

        public static string Serialize(object v)
        {
            var b = new StringBuilder();
            Write(b, v, 0);
            return b.ToString();
        }

        static void Write(StringBuilder b, object v, int depth)
        {
            if (depth > 64) throw new InvalidOperationException("A possible object cycle was detected.");
            if (v == null) { b.Append("null"); return; }
            if (v is string || v is char || v is Guid) { Quote(b, v.ToString()); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is Enum) { b.Append(System.Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)); return; }
            if (v is double) { b.Append(((double)v).ToString("R", CultureInfo.InvariantCulture)); return; }
            if (v is float) { b.Append(((float)v).ToString("R", CultureInfo.InvariantCulture)); return; }
            if (v is DateTime) { Quote(b, ((DateTime)v).ToString("o", CultureInfo.InvariantCulture)); return; }
            if (v.GetType().IsPrimitive || v is decimal) { b.Append(System.Convert.ToString(v, CultureInfo.InvariantCulture)); return; }
            var dict = v as IDictionary;
            if (dict != null)
            {
                b.Append('{');
                bool first = true;
                foreach (DictionaryEntry e in dict)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Quote(b, System.Convert.ToString(e.Key, CultureInfo.InvariantCulture));
                    b.Append(':');
                    Write(b, e.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            var en = v as IEnumerable;
            if (en != null)
            {
                b.Append('[');
                bool first = true;
                foreach (var o in en)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Write(b, o, depth + 1);
                }
                b.Append(']');
                return;
            }
            b.Append('{');
            bool f1 = true;
            foreach (var p in v.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!p.CanRead || p.GetIndexParameters().Length > 0) continue;
                if (!f1) b.Append(',');
                f1 = false;
                Quote(b, p.Name);
                b.Append(':');
                Write(b, p.GetValue(v, null), depth + 1);
            }
            foreach (var f in v.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!f1) b.Append(',');
                f1 = false;
                Quote(b, f.Name);
                b.Append(':');
                Write(b, f.GetValue(v), depth + 1);
            }
            b.Append('}');
        }

        static void Quote(StringBuilder b, string s)
        {
            b.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    case '\b': b.Append("\\b"); break;
                    case '\f': b.Append("\\f"); break;
                    default:
                        if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4"));
                        else b.Append(c);
                        break;
                }
            }
            b.Append('"');
        }
    }
}
