using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;

namespace DockerHubPat
{
    /// <summary>
    /// Turns a value into the text Tab puts on the command line, so that running the line gives the
    /// cmdlet exactly that value back: quoted for PowerShell's parser and, for a parameter that takes
    /// wildcards, escaped so the value matches itself and nothing else. Every completer uses it.
    /// </summary>
    internal static class CompletionText
    {
        // A bare word PowerShell reads back unchanged: no quotes, variables, operators, escapes or
        // wildcard brackets, and not starting with '-', which would read as a parameter name.
        private static readonly Regex BareWord = new Regex(@"^[\p{L}\p{N}_.:+/\\][\p{L}\p{N}_.:+/\\-]*$");

        /// <summary>The value as an argument to a parameter that takes it literally.</summary>
        public static string Literal(string value) =>
            BareWord.IsMatch(value)
                ? value
                // Doubles every kind of single quote PowerShell accepts, typographic ones included.
                : "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";

        /// <summary>The value as an argument to a [SupportsWildcards] parameter: it matches itself only.</summary>
        public static string Pattern(string value) => Literal(EscapeWildcards(value));

        /// <summary>What the user typed so far, unquoted, as a prefix pattern to match candidates with.</summary>
        public static WildcardPattern Prefix(string wordToComplete)
        {
            var word = wordToComplete.Trim();
            if (word.Length > 0 && IsQuote(word[0]))
            {
                var quote = word[0];
                word = word.Substring(1);
                if (word.Length > 0 && word[word.Length - 1] == quote)
                {
                    word = word.Substring(0, word.Length - 1);
                }

                if (quote != '"')
                {
                    word = Regex.Replace(word, "(['\u2018\u2019\u201A\u201B])\\1", "$1");
                }
            }

            // A word typed as a pattern ("ci-*") stays one; a broken one ("it's [w") is taken as text.
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            try
            {
                pattern.IsMatch("");
                return pattern;
            }
            catch (WildcardPatternException)
            {
                return WildcardPattern.Get(EscapeWildcards(word) + "*", WildcardOptions.IgnoreCase);
            }
        }

        // Windows PowerShell's WildcardPattern.Escape leaves the backtick alone, so a label with one
        // would lose it; this escapes the escape character too, the same on every edition.
        private static string EscapeWildcards(string value)
        {
            var escaped = new StringBuilder(value.Length + 4);
            foreach (var c in value)
            {
                if ("*?[]`".IndexOf(c) >= 0)
                {
                    escaped.Append('`');
                }

                escaped.Append(c);
            }

            return escaped.ToString();
        }

        private static bool IsQuote(char c) => c == '\'' || c == '"' || "\u2018\u2019\u201A\u201B\u201C\u201D\u201E".IndexOf(c) >= 0;
    }
}
