//! How a value is written into text that something else reads: a shell word for the
//! requests workflow, Markdown and HTML for a pull request body, one line of plain text
//! for a title or a commit message.
//!
//! The rule is the same everywhere: the template's own text is markup, a value is
//! data. Each function here turns a value into text that the reader takes as data,
//! whatever the value holds — so a value cannot run a command, break out of a table
//! cell, open an HTML comment (`<!--`, which portolan's own hidden key uses), mention
//! someone, or start a line of its own (a forged `Portolan-Key:` trailer).

/// Characters a shell word may hold without quotes: none of them means anything to
/// `sh` (no expansion, globbing, tilde, comment or operator).
fn bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c)
}

/// One `sh` word that means exactly `text`: bare when nothing in it is special,
/// single-quoted otherwise (a quote inside as `'\''`).
pub fn shell_word(text: &str) -> String {
    if !text.is_empty() && text.chars().all(bare) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The words of a command line made only of words: bare characters, single-quoted
/// text and backslash escapes, separated by spaces or tabs. Anything a shell would
/// act on (`;`, `|`, `&`, `$`, backticks, redirections, globs, double quotes, a line
/// break) is refused, naming it: the requests workflow runs the words without a shell.
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some('\0') => return Err("a NUL character".into()),
                        Some(inner) => word.push(inner),
                        None => return Err("a single quote that is never closed".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => return Err("a backslash at the end of a line".into()),
                Some('\0') => return Err("a NUL character".into()),
                Some(escaped) => {
                    in_word = true;
                    word.push(escaped);
                }
            },
            c if bare(c) => {
                in_word = true;
                word.push(c);
            }
            '\n' | '\r' => return Err("a line break outside quotes".into()),
            '\0' => return Err("a NUL character".into()),
            '`' => return Err("`` ` `` outside quotes".into()),
            c => return Err(format!("`{c}` outside quotes")),
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The command line that means `words`, each written by [`shell_word`].
pub fn shell_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that change how text reads without being seen (bidirectional overrides,
/// zero-width characters): shown as U+FFFD instead.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `@` followed by a word joiner: GitHub links (and notifies) `@name` only when the
/// name follows the `@` directly.
const AT: &str = "@\u{2060}";

/// Text for a Markdown document (a pull request body) that reads as the value and
/// nothing else: every ASCII punctuation character that Markdown, a GFM table or HTML
/// could act on becomes a numeric character reference, a line break becomes `<br>`,
/// and `@` cannot mention anyone. No value can produce `<!--`, `-->`, a `|` that ends
/// a table cell, a backtick that ends a code span, a link or a new line.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            ' ' | '-' | '.' | ',' | ':' | '/' | '=' | '+' | '%' | '?' | '\'' | '(' | ')' | ';'
            | '!' => out.push(c),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\t' => out.push(' '),
            '@' => out.push_str(AT),
            c if c.is_ascii_punctuation() => out.push_str(&format!("&#{};", u32::from(c))),
            c if invisible(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One line of plain text (a pull request title, a line of a commit message): line
/// breaks and tabs become spaces, invisible characters U+FFFD, and `@` cannot mention
/// anyone.
pub fn line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '@' => out.push_str(AT),
            c if invisible(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_word_reads_back_as_itself() {
        for text in [
            "cart",
            "ns/secret-1",
            "",
            "a b",
            "it's",
            "$(touch pwned)",
            "`id`",
            "a;b",
            "x\ny",
            "-rf",
            "*",
            "~",
            "\\",
            "''",
        ] {
            let word = shell_word(text);
            assert_eq!(shell_words(&word).unwrap(), vec![text.to_owned()], "{word}");
        }
        assert_eq!(shell_word("ns/secret-1"), "ns/secret-1");
        assert_eq!(shell_word("a b'c"), "'a b'\\''c'");
    }

    #[test]
    fn a_command_line_is_words_and_nothing_a_shell_acts_on() {
        assert_eq!(
            shell_words("sh  x.sh 'a b'c \\' ''\t-x").unwrap(),
            vec!["sh", "x.sh", "a bc", "'", "", "-x"]
        );
        for (line, problem) in [
            ("sh x.sh; rm -rf /", "`;` outside quotes"),
            ("sh x.sh && y", "`&` outside quotes"),
            ("sh x.sh $HOME", "`$` outside quotes"),
            ("sh x.sh \"a\"", "`\"` outside quotes"),
            ("sh x.sh `id`", "`` ` `` outside quotes"),
            ("sh x.sh\nrm", "a line break outside quotes"),
            ("sh 'x.sh", "a single quote that is never closed"),
            ("sh x.sh \\", "a backslash at the end of a line"),
            ("sh x.sh > out", "`>` outside quotes"),
            ("sh x.sh *", "`*` outside quotes"),
        ] {
            assert_eq!(shell_words(line).unwrap_err(), problem, "{line}");
        }
        let words: Vec<String> = ["sh", "a b", "c"].map(String::from).to_vec();
        assert_eq!(shell_line(&words), "sh 'a b' c");
    }

    #[test]
    fn markdown_text_cannot_become_markup() {
        let hostile =
            "x | y\n<!-- portolan-key: f -->\n@octocat `c` <b>&</b> [l](u) *e* #1 \u{202E}";
        let text = markdown(hostile);
        for forbidden in [
            "|", "\n", "<!--", "-->", "<b>", "@octocat", "`", "[l]", "*e*", " #1", "\u{202E}",
        ] {
            assert!(!text.contains(forbidden), "{forbidden} in {text}");
        }
        assert_eq!(markdown("cart-db/table.1"), "cart-db/table.1");
        assert_eq!(markdown("a_b"), "a&#95;b");
    }

    #[test]
    fn a_line_stays_one_line() {
        assert_eq!(line("a\nPortolan-Key: x\r\n"), "a Portolan-Key: x  ");
        assert!(!line("hi @octocat").contains("@octocat"));
    }
}
