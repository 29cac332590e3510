package gureum;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer: JSON values as Map (LinkedHashMap), List,
 * String, Long/Integer/Double/BigDecimal, Boolean and null, converted to and
 * from handlers' parameter types (POJOs with public fields or setters).
 */
final class Json {
    private final String s;
    private int i;

    private Json(String s) { this.s = s; }

    static Object read(String text) {
        Json j = new Json(text);
        j.ws();
        if (j.i >= j.s.length()) return null;
        Object v = j.value();
        j.ws();
        if (j.i != j.s.length()) throw j.err("unexpected data after the JSON value");
        return v;
    }

    private IllegalArgumentException err(String m) {
        return new IllegalArgumentException("Unable to parse JSON: " + m + " at offset " + i);
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private Object value() {
        if (i >= s.length()) throw err("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{': {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (peek('}')) { i++; return m; }
                while (true) {
                    ws();
                    if (!peek('"')) throw err("expected a string key");
                    String k = string();
                    ws();
                    expect(':');
                    ws();
                    m.put(k, value());
                    ws();
                    if (peek(',')) { i++; continue; }
                    expect('}');
                    return m;
                }
            }
            case '[': {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek(']')) { i++; return l; }
                while (true) {
                    ws();
                    l.add(value());
                    ws();
                    if (peek(',')) { i++; continue; }
                    expect(']');
                    return l;
                }
            }
            case '"':
                return string();
            case 't': word("true"); return Boolean.TRUE;
            case 'f': word("false"); return Boolean.FALSE;
            case 'n': word("null"); return null;
            default:
                return number();
        }
    }

    private boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

    private void expect(char c) {
        if (!peek(c)) throw err("expected '" + c + "'");
        i++;
    }

    private void word(String w) {
        if (!s.startsWith(w, i)) throw err("unexpected token");
        i += w.length();
    }

    private Object number() {
        int st = i;
        boolean frac = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+') { i++; }
            else if (c == '.' || c == 'e' || c == 'E') { frac = true; i++; }
            else break;
        }
        String n = s.substring(st, i);
        if (n.isEmpty()) throw err("unexpected character");
        if (frac) return Double.valueOf(n);
        try {
            long l = Long.parseLong(n);
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) l;
            return l;
        } catch (NumberFormatException e) {
            return new BigInteger(n);
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw err("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c != '\\') { b.append(c); continue; }
            char e = s.charAt(i++);
            switch (e) {
                case 'n': b.append('\n'); break;
                case 't': b.append('\t'); break;
                case 'r': b.append('\r'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                default: b.append(e);
            }
        }
    }

    // ---- conversion to handler types ----

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object convert(Object v, Type t) throws Exception {
        Class<?> raw = rawClass(t);
        if (v == null) {
            if (raw.isPrimitive()) return raw == boolean.class ? false : convert(0, raw);
            return null;
        }
        if (raw == Object.class || (raw.isInstance(v) && !(t instanceof ParameterizedType))) {
            return v;
        }
        if (raw == String.class) return v instanceof String ? v : write(v);
        if (v instanceof Number) {
            Number n = (Number) v;
            if (raw == int.class || raw == Integer.class) return n.intValue();
            if (raw == long.class || raw == Long.class) return n.longValue();
            if (raw == double.class || raw == Double.class) return n.doubleValue();
            if (raw == float.class || raw == Float.class) return n.floatValue();
            if (raw == short.class || raw == Short.class) return n.shortValue();
            if (raw == byte.class || raw == Byte.class) return n.byteValue();
            if (raw == BigDecimal.class) return new BigDecimal(n.toString());
            if (raw == BigInteger.class) return new BigInteger(n.toString());
            if (raw == Number.class) return n;
        }
        if ((raw == boolean.class || raw == Boolean.class) && v instanceof Boolean) return v;
        if (v instanceof String) {
            String str = (String) v;
            if (raw == int.class || raw == Integer.class) return Integer.valueOf(str);
            if (raw == long.class || raw == Long.class) return Long.valueOf(str);
            if (raw == double.class || raw == Double.class) return Double.valueOf(str);
            if (raw == boolean.class || raw == Boolean.class) return Boolean.valueOf(str);
            if (raw.isEnum()) return Enum.valueOf((Class<Enum>) raw, str);
        }
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (raw.isArray()) {
                Object a = Array.newInstance(raw.getComponentType(), l.size());
                for (int k = 0; k < l.size(); k++) Array.set(a, k, convert(l.get(k), raw.getComponentType()));
                return a;
            }
            if (Collection.class.isAssignableFrom(raw)) {
                Type et = typeArg(t, 0);
                Collection<Object> c = raw.isInterface() || Modifier.isAbstract(raw.getModifiers())
                        ? (java.util.Set.class.isAssignableFrom(raw) ? new java.util.LinkedHashSet<>() : new ArrayList<>())
                        : (Collection<Object>) raw.getDeclaredConstructor().newInstance();
                for (Object o : l) c.add(convert(o, et));
                return c;
            }
        }
        if (v instanceof Map) {
            Map<String, Object> m = (Map<String, Object>) v;
            if (Map.class.isAssignableFrom(raw)) {
                Type vt = typeArg(t, 1);
                Map<Object, Object> out = raw.isInterface() || Modifier.isAbstract(raw.getModifiers())
                        ? new LinkedHashMap<>() : (Map<Object, Object>) raw.getDeclaredConstructor().newInstance();
                for (Map.Entry<String, Object> e : m.entrySet()) out.put(e.getKey(), convert(e.getValue(), vt));
                return out;
            }
            return pojo(m, raw);
        }
        throw new IllegalArgumentException("Cannot convert " + write(v) + " to " + t.getTypeName());
    }

    private static Object pojo(Map<String, Object> m, Class<?> raw) throws Exception {
        java.lang.reflect.Constructor<?> k = raw.getDeclaredConstructor();
        k.setAccessible(true);
        Object o = k.newInstance();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()) continue;
            String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            Method sm = null;
            for (Method x : raw.getMethods()) {
                if (x.getParameterCount() == 1 && (x.getName().equals(setter) || x.getName().equalsIgnoreCase(setter))) { sm = x; break; }
            }
            if (sm != null) {
                sm.invoke(o, convert(e.getValue(), sm.getGenericParameterTypes()[0]));
                continue;
            }
            Field f = field(raw, name);
            if (f != null) {
                f.setAccessible(true);
                f.set(o, convert(e.getValue(), f.getGenericType()));
            }
        }
        return o;
    }

    private static Field field(Class<?> c, String name) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && f.getName().equalsIgnoreCase(name)) return f;
            }
        }
        return null;
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class) return (Class<?>) t;
        if (t instanceof ParameterizedType) return (Class<?>) ((ParameterizedType) t).getRawType();
        return Object.class;
    }

    private static Type typeArg(Type t, int n) {
        if (t instanceof ParameterizedType) {
            Type[] a = ((ParameterizedType) t).getActualTypeArguments();
            if (n < a.length) return a[n];
        }
        return Object.class;
    }

    // ---- writing ----

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int depth) {
        if (depth > 100) throw new IllegalArgumentException("Unable to serialize the response: too deeply nested");
        if (v == null) { b.append("null"); return; }
        if (v instanceof String || v instanceof Character || v instanceof Enum) { quote(b, v.toString()); return; }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof BigDecimal) { b.append(v); return; }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) { quote(b, v.toString()); return; }
            b.append(v);
            return;
        }
        if (v instanceof Number) { b.append(v); return; }
        if (v instanceof Map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) b.append(',');
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue(), depth + 1);
            }
            b.append('}');
            return;
        }
        if (v instanceof Iterable) {
            b.append('[');
            boolean first = true;
            for (Object o : (Iterable<?>) v) {
                if (!first) b.append(',');
                first = false;
                write(b, o, depth + 1);
            }
            b.append(']');
            return;
        }
        if (v.getClass().isArray()) {
            b.append('[');
            for (int k = 0; k < Array.getLength(v); k++) {
                if (k > 0) b.append(',');
                write(b, Array.get(v, k), depth + 1);
            }
            b.append(']');
            return;
        }
        // A POJO: its getters, then its public fields.
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            for (Method x : v.getClass().getMethods()) {
                if (x.getParameterCount() != 0 || x.getDeclaringClass() == Object.class || Modifier.isStatic(x.getModifiers())) continue;
                String n = x.getName(), p = null;
                if (n.startsWith("get") && n.length() > 3) p = n.substring(3);
                else if (n.startsWith("is") && n.length() > 2 && (x.getReturnType() == boolean.class || x.getReturnType() == Boolean.class)) p = n.substring(2);
                if (p == null) continue;
                m.put(Character.toLowerCase(p.charAt(0)) + p.substring(1), x.invoke(v));
            }
            for (Field f : v.getClass().getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !m.containsKey(f.getName())) m.put(f.getName(), f.get(v));
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("Unable to serialize the response: " + e, e);
        }
        write(b, m, depth + 1);
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        b.append('"');
    }
}
