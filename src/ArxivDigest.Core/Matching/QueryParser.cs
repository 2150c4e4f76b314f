namespace ArxivDigest.Matching;

/// <summary>A query that does not parse: says where (1-based character) and what was expected.</summary>
public sealed class QuerySyntaxException(string query, int position, string message)
    : FormatException($"query \"{query}\": at character {position}: {message}")
{
    public string Query { get; } = query;

    /// <summary>1-based character position of the problem.</summary>
    public int Position { get; } = position;

    public string Reason { get; } = message;
}

/// <summary>
/// Parses the query language:
/// <list type="bullet">
/// <item>adjacent words form a phrase (<c>diffusion policy</c>), as does a quoted string;</item>
/// <item><c>AND</c>, <c>OR</c>, <c>NOT</c> (upper case; lower-case <c>and</c> is a word), parentheses;
/// two terms side by side are ANDed (<c>ti:robot "diffusion policy"</c>);</item>
/// <item><c>-term</c> excludes from the whole (parenthesised) query: <c>A OR B -survey</c> is
/// <c>(A OR B) AND NOT survey</c>;</item>
/// <item>fields <c>ti:</c> <c>abs:</c> <c>au:</c> <c>cat:</c> <c>co:</c> <c>id:</c>, also before a quote or a
/// parenthesis (<c>ti:(robot OR drone)</c>); no field means title or abstract;</item>
/// <item><c>diffus*</c>: prefix (at least 3 characters; ends a phrase); <c>=GAN</c>: exact (case-sensitive, no
/// plural or inflection folding).</item>
/// </list>
/// Precedence: NOT, then AND, then OR.
/// </summary>
public sealed class QueryParser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _next;

    private QueryParser(string text)
    {
        _text = text;
        _tokens = Lex(text);
    }

    /// <exception cref="QuerySyntaxException">The query is empty or malformed.</exception>
    public static QueryNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new QueryParser(text);
        if (parser._tokens.Count == 0)
        {
            throw new QuerySyntaxException(text, 1, "empty query: expected a word, a quoted phrase or a field such as ti:");
        }

        var node = parser.Sequence(QueryField.Any, depth: 0);
        if (parser.Peek() is { } extra)
        {
            throw parser.Error(extra.Position, extra.Kind == TokenKind.RightParen
                ? "unmatched ')'"
                : $"unexpected '{extra.Text}'");
        }

        return node;
    }

    /// <summary>True when <paramref name="text"/> parses; otherwise the error in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, out QueryNode? node, out QuerySyntaxException? error)
    {
        try
        {
            node = Parse(text);
            error = null;
            return true;
        }
        catch (QuerySyntaxException e)
        {
            node = null;
            error = e;
            return false;
        }
    }

    // ---- grammar -------------------------------------------------------------------------------------------------

    /// <summary>An OR expression whose <c>-term</c> exclusions apply to the whole of it.</summary>
    private QueryNode Sequence(QueryField field, int depth)
    {
        if (depth > 64)
        {
            throw Error(Peek()?.Position ?? _text.Length + 1, "parentheses nested too deeply");
        }

        var exclusions = new List<QueryNode>();
        var branches = new List<QueryNode>();
        var start = Peek();
        while (true)
        {
            var branch = AndExpr(field, depth, exclusions);
            if (branch is not null)
            {
                branches.Add(branch);
            }

            if (Peek() is { Kind: TokenKind.Or } or)
            {
                _next++;
                if (Peek() is null or { Kind: TokenKind.RightParen or TokenKind.Or or TokenKind.And })
                {
                    throw Error(Peek()?.Position ?? _text.Length + 1, "expected a term after 'OR'");
                }

                if (branch is null && exclusions.Count == 0)
                {
                    throw Error(or.Position, "expected a term before 'OR'");
                }

                continue;
            }

            break;
        }

        QueryNode? body = branches.Count switch
        {
            0 => null,
            1 => branches[0],
            _ => new OrNode(branches),
        };
        if (body is null && exclusions.Count == 0)
        {
            if (start is { Kind: TokenKind.RightParen } && depth == 0)
            {
                throw Error(start.Position, "unmatched ')'");
            }

            throw Error(start?.Position ?? _text.Length + 1, "expected a word, a quoted phrase or a field such as ti:");
        }

        if (exclusions.Count == 0)
        {
            return body!;
        }

        var children = new List<QueryNode>();
        if (body is AndNode a)
        {
            children.AddRange(a.Children);
        }
        else if (body is not null)
        {
            children.Add(body);
        }

        children.AddRange(exclusions.Select(e => (QueryNode)new NotNode(e)));
        return children.Count == 1 ? children[0] : new AndNode(children);
    }

    /// <summary>Terms joined by AND (explicit or implied); <c>-term</c>s go to <paramref name="exclusions"/>.</summary>
    private QueryNode? AndExpr(QueryField field, int depth, List<QueryNode> exclusions)
    {
        var children = new List<QueryNode>();
        while (Peek() is { } token)
        {
            if (token.Kind == TokenKind.And)
            {
                if (children.Count == 0 && exclusions.Count == 0)
                {
                    throw Error(token.Position, "expected a term before 'AND'");
                }

                _next++;
                if (Peek() is null or { Kind: TokenKind.RightParen or TokenKind.Or or TokenKind.And })
                {
                    throw Error(Peek()?.Position ?? _text.Length + 1, "expected a term after 'AND'");
                }

                continue;
            }

            if (token.Kind is TokenKind.Or or TokenKind.RightParen)
            {
                break;
            }

            if (token.Kind == TokenKind.Minus)
            {
                _next++;
                if (Peek() is null or { Kind: TokenKind.RightParen or TokenKind.Or or TokenKind.And or TokenKind.Minus })
                {
                    throw Error(token.Position, "expected a term after '-'");
                }

                exclusions.Add(Primary(field, depth));
                continue;
            }

            children.Add(Unary(field, depth));
        }

        return children.Count switch
        {
            0 => null,
            1 => children[0],
            _ => new AndNode(children),
        };
    }

    private QueryNode Unary(QueryField field, int depth)
    {
        var token = Peek()!;
        if (depth > 64)
        {
            throw Error(token.Position, "operators nested too deeply");
        }

        if (token.Kind == TokenKind.Not)
        {
            _next++;
            if (Peek() is null or { Kind: TokenKind.RightParen or TokenKind.Or or TokenKind.And })
            {
                throw Error(Peek()?.Position ?? _text.Length + 1, "expected a term after 'NOT'");
            }

            return new NotNode(Unary(field, depth + 1));
        }

        return Primary(field, depth);
    }

    private QueryNode Primary(QueryField field, int depth)
    {
        var token = Peek() ?? throw Error(_text.Length + 1, "expected a term");
        switch (token.Kind)
        {
            case TokenKind.LeftParen:
                return Group(field, depth, token);
            case TokenKind.Field when token.Value.Length == 0 && Peek(1) is { Kind: TokenKind.LeftParen } paren && paren.Position == token.Position + token.Text.Length:
                _next++;
                return Group(token.Field, depth, Peek()!);
            case TokenKind.Field when token.Value.Length == 0 && Peek(1) is not { Kind: TokenKind.Quoted or TokenKind.Word }:
                throw Error(token.Position + token.Text.Length, $"expected a value after '{token.Text}'");
            case TokenKind.Field:
                _next++;
                return Term(token.Field, token.Value.Length == 0 ? Take() : token with { Text = token.Value, Position = token.Position + token.Text.Length - token.Value.Length });
            case TokenKind.Quoted or TokenKind.Word:
                _next++;
                return Term(field, token);
            default:
                throw Error(token.Position, $"expected a term, found '{token.Text}'");
        }
    }

    private QueryNode Group(QueryField field, int depth, Token open)
    {
        _next++;
        if (Peek() is { Kind: TokenKind.RightParen } empty)
        {
            throw Error(empty.Position, "empty parentheses");
        }

        var inner = Sequence(field, depth + 1);
        if (Peek() is not { Kind: TokenKind.RightParen })
        {
            throw Error(Peek()?.Position ?? _text.Length + 1, $"expected ')' to close the '(' at character {open.Position}");
        }

        _next++;
        return inner;
    }

    private Token Take()
    {
        var token = Peek()!;
        _next++;
        return token;
    }

    /// <summary>A term from a word (with the following bare words, as one phrase) or a quoted phrase.</summary>
    private QueryNode Term(QueryField field, Token first)
    {
        if (field is QueryField.Category or QueryField.Id)
        {
            return ValueTerm(field, first);
        }

        var exact = first.Text.StartsWith('=');
        var text = exact ? first.Text[1..] : first.Text;
        var quoted = first.Kind == TokenKind.Quoted || (exact && text.StartsWith('"'));
        var prefix = false;
        var words = new List<string>();
        if (quoted)
        {
            var body = text.StartsWith('"') ? text[1..] : text;
            prefix = body.EndsWith("\"*", StringComparison.Ordinal);
            body = body.TrimEnd('*');
            body = body.EndsWith('"') ? body[..^1] : body;
            words.AddRange(TextNormalizer.Words(body));
        }
        else
        {
            // Bare words run on into a phrase until an operator, a parenthesis, a field, a quote or a wildcard.
            var token = first with { Text = text };
            while (true)
            {
                var word = token.Text;
                if (word.EndsWith('*'))
                {
                    prefix = true;
                    word = word.TrimEnd('*');
                    words.AddRange(TextNormalizer.Words(word));
                    if (words.Count == 0 || words[^1].Length < 3)
                    {
                        throw Error(token.Position, "a wildcard needs at least 3 letters before '*'");
                    }

                    break;
                }

                var before = words.Count;
                words.AddRange(TextNormalizer.Words(word));
                var hasNext = Peek() is { Kind: TokenKind.Word } following && !following.Text.StartsWith('=');
                if (words.Count == before && (before == 0 || !hasNext))
                {
                    // Punctuation between the words of a phrase ("X - Y", "X: Y") is skipped, as in papers; alone it is an error.
                    throw Error(token.Position, token.Text.StartsWith('-')
                        ? "expected a term after '-'"
                        : $"'{(token.Position == first.Position ? first.Text : token.Text)}' has no letters or digits to match");
                }

                if (Peek() is { Kind: TokenKind.Word } next && !next.Text.StartsWith('='))
                {
                    _next++;
                    token = next;
                    continue;
                }

                break;
            }
        }

        if (words.Count == 0)
        {
            throw Error(first.Position, $"{first.Text} has no letters or digits to match");
        }

        if (prefix && words[^1].Length < 3)
        {
            throw Error(first.Position, "a wildcard needs at least 3 letters before '*'");
        }

        return new TermNode(field, words, prefix, exact);
    }

    private QueryNode ValueTerm(QueryField field, Token token)
    {
        var value = token.Text.Trim('"');
        var prefix = value.EndsWith('*');
        value = value.TrimEnd('*');
        if (field == QueryField.Id)
        {
            value = StripVersion(value.ToLowerInvariant().Replace("arxiv:", "", StringComparison.Ordinal));
        }

        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
        {
            throw Error(token.Position, field == QueryField.Id ? "expected an arXiv id such as 2603.01234" : "expected a category such as cs.LG");
        }

        return new TermNode(field, [], prefix) { Value = value };
    }

    private static string StripVersion(string id)
    {
        var v = id.LastIndexOf('v');
        return v > 0 && v < id.Length - 1 && id[(v + 1)..].All(char.IsAsciiDigit) && char.IsAsciiDigit(id[v - 1]) ? id[..v] : id;
    }

    private Token? Peek(int ahead = 0) => _next + ahead < _tokens.Count ? _tokens[_next + ahead] : null;

    private QuerySyntaxException Error(int position, string message) => new(_text, position, message);

    // ---- lexer ---------------------------------------------------------------------------------------------------

    private enum TokenKind
    {
        Word,
        Quoted,
        Field,
        LeftParen,
        RightParen,
        And,
        Or,
        Not,
        Minus,
    }

    /// <summary>A token; <see cref="Position"/> is 1-based. A field token's <see cref="Value"/> is the text after the colon.</summary>
    private sealed record Token(TokenKind Kind, string Text, int Position)
    {
        public QueryField Field { get; init; }

        public string Value { get; init; } = "";
    }

    /// <summary>The index of the next '"' at or after <paramref name="from"/> not escaped by a backslash (TeX <c>\"u</c>), or -1.</summary>
    private static int ClosingQuote(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    private static readonly (string Prefix, QueryField Field)[] Fields =
    [
        ("ti:", QueryField.Title), ("abs:", QueryField.Abstract), ("au:", QueryField.Author),
        ("cat:", QueryField.Category), ("co:", QueryField.Comments), ("id:", QueryField.Id),
    ];

    /// <summary>The field prefix <paramref name="word"/> starts with (any case), or none (a null prefix).</summary>
    private static (string Prefix, QueryField Field) FieldOf(string word)
    {
        foreach (var field in Fields)
        {
            if (word.StartsWith(field.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return field;
            }
        }

        return default;
    }

    private List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c == '(' || c == ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.LeftParen : TokenKind.RightParen, c.ToString(), i + 1));
                i++;
                continue;
            }

            if (c == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) && text[i + 1] != ')')
            {
                tokens.Add(new Token(TokenKind.Minus, "-", i + 1));
                i++;
                continue;
            }

            if (c == '"' || (c == '=' && i + 1 < text.Length && text[i + 1] == '"'))
            {
                var open = c == '=' ? i + 1 : i;
                var close = ClosingQuote(text, open + 1);
                if (close < 0)
                {
                    throw new QuerySyntaxException(text, open + 1, "unterminated quote: expected a closing '\"'");
                }

                var end = close + 1;
                if (end < text.Length && text[end] == '*')
                {
                    end++;
                }

                tokens.Add(new Token(TokenKind.Quoted, text[start..end], start + 1));
                i = end;
                continue;
            }

            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')' and not '"')
            {
                // A backslash takes the next character into the word: TeX accents such as M\"uller or \"{u}.
                i += text[i] == '\\' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) ? 2 : 1;
            }

            // A quote right after a field or '=' belongs to the token: ti:"a b", ="GAN".
            var word = text[start..i];
            var field = FieldOf(word);
            if (field.Prefix is not null)
            {
                var value = word[field.Prefix.Length..];
                if (value.Length == 0 && i < text.Length && text[i] == '"')
                {
                    var close = ClosingQuote(text, i + 1);
                    if (close < 0)
                    {
                        throw new QuerySyntaxException(text, i + 1, "unterminated quote: expected a closing '\"'");
                    }

                    var end = close + 1;
                    if (end < text.Length && text[end] == '*')
                    {
                        end++;
                    }

                    tokens.Add(new Token(TokenKind.Field, word, start + 1) { Field = field.Field });
                    tokens.Add(new Token(TokenKind.Quoted, text[i..end], i + 1));
                    i = end;
                    continue;
                }

                if (value.StartsWith('=') && value.Length == 1 && i < text.Length && text[i] == '"')
                {
                    var close = ClosingQuote(text, i + 1);
                    if (close < 0)
                    {
                        throw new QuerySyntaxException(text, i + 1, "unterminated quote: expected a closing '\"'");
                    }

                    var end = close + 1;
                    if (end < text.Length && text[end] == '*')
                    {
                        end++;
                    }

                    tokens.Add(new Token(TokenKind.Field, word[..field.Prefix.Length], start + 1) { Field = field.Field });
                    tokens.Add(new Token(TokenKind.Quoted, "=" + text[i..end], i));
                    i = end;
                    continue;
                }

                tokens.Add(new Token(TokenKind.Field, word, start + 1) { Field = field.Field, Value = value });
                continue;
            }

            tokens.Add(word switch
            {
                "AND" or "&&" => new Token(TokenKind.And, word, start + 1),
                "OR" or "||" => new Token(TokenKind.Or, word, start + 1),
                "NOT" => new Token(TokenKind.Not, word, start + 1),
                _ => new Token(TokenKind.Word, word, start + 1),
            });
        }

        return tokens;
    }
}
