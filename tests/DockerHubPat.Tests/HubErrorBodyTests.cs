using System;
using System.Linq;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class HubErrorBodyTests
    {
        [Fact]
        public void ErrorShapePrefersMessageOverDetail()
        {
            var error = HubErrorBody.Parse("""{"detail":"Not found (detail)","message":"access token not found"}""");

            Assert.Equal("access token not found", error.Text);
            Assert.Empty(error.Fields);
            Assert.Equal("access token not found.", error.Describe());
        }

        // Older answers carry only `detail`.
        [Fact]
        public void ErrorShapeWithOnlyDetailUsesDetail()
        {
            var error = HubErrorBody.Parse("""{"detail":"Authentication credentials were not provided."}""");

            Assert.Equal("Authentication credentials were not provided.", error.Text);
            Assert.Equal("Authentication credentials were not provided.", error.Describe());
        }

        [Fact]
        public void BlankMessageFallsBackToDetail()
        {
            var error = HubErrorBody.Parse("""{"detail":"Token expired","message":"  "}""");

            Assert.Equal("Token expired", error.Text);
        }

        [Fact]
        public void ValueErrorListsEveryFieldWithItsMessages()
        {
            var error = HubErrorBody.Parse("""
                {
                  "fields": {
                    "token_label": ["Ensure this field has no more than 100 characters."],
                    "scopes": ["\"repo:everything\" is not a valid choice.", "This list may not be empty."]
                  },
                  "text": "Invalid request"
                }
                """);

            Assert.Equal("Invalid request", error.Text);
            Assert.Equal(2, error.Fields.Count);
            Assert.Equal(new[] { "Ensure this field has no more than 100 characters." }, error.Fields["token_label"]);
            Assert.Equal(new[] { "\"repo:everything\" is not a valid choice.", "This list may not be empty." }, error.Fields["scopes"]);
            Assert.Equal(
                "Invalid request. token_label: Ensure this field has no more than 100 characters. "
                + "scopes: \"repo:everything\" is not a valid choice. This list may not be empty.",
                error.Describe());
        }

        [Fact]
        public void ValueErrorWithoutTextStillDescribesTheFields()
        {
            var error = HubErrorBody.Parse("""{"fields":{"token_label":["This field may not be blank."]}}""");

            Assert.Null(error.Text);
            Assert.Equal("token_label: This field may not be blank.", error.Describe());
        }

        [Fact]
        public void FieldValueThatIsAStringInsteadOfAnArrayIsOneMessage()
        {
            var error = HubErrorBody.Parse("""{"fields":{"token_label":"too long"},"text":"Invalid request"}""");

            Assert.Equal(new[] { "too long" }, error.Fields["token_label"]);
            Assert.Equal("Invalid request. token_label: too long", error.Describe());
        }

        [Fact]
        public void LowerCaseErrorShapeUsesMessageAndIgnoresErrinfo()
        {
            var error = HubErrorBody.Parse("""{"errinfo":{"reason":"bad_token"},"detail":"invalid token","message":"the token is not valid"}""");

            Assert.Equal("the token is not valid", error.Text);
            Assert.Empty(error.Fields);
            Assert.DoesNotContain("bad_token", error.Describe(), StringComparison.Ordinal);
        }

        // The 2FA challenge token is a credential step and must not reach a message.
        [Fact]
        public void LoginFailureUsesDetailAndLeavesOutTheTwoFactorToken()
        {
            var error = HubErrorBody.Parse("""{"detail":"Require secondary authentication on MFA enabled account","login_2fa_token":"eyJhbGciOi.2fa.secret"}""");

            Assert.Equal("Require secondary authentication on MFA enabled account", error.Text);
            Assert.Empty(error.Fields);
            Assert.DoesNotContain("eyJhbGciOi", error.Describe(), StringComparison.Ordinal);
        }

        [Fact]
        public void RpcStatusUsesMessage()
        {
            var error = HubErrorBody.Parse("""{"code":3,"message":"invalid page size","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest"}]}""");

            Assert.Equal("invalid page size", error.Text);
            Assert.Empty(error.Fields);
            Assert.Equal("invalid page size.", error.Describe());
        }

        [Fact]
        public void PersonalAccessTokenRefusalIsRead()
        {
            var error = HubErrorBody.Parse("""{"message":"token issued from personal access token is not allowed","errinfo":{}}""");

            Assert.Equal("token issued from personal access token is not allowed", error.Text);
            Assert.Empty(error.Fields);
            Assert.Equal("token issued from personal access token is not allowed.", error.Describe());
        }

        // The edge answers 429 in plain text (hub-feedback#1907).
        [Fact]
        public void PlainTextIsTakenAsIs()
        {
            var error = HubErrorBody.Parse("Too Many Requests (HAP429).\n");

            Assert.Equal("Too Many Requests (HAP429).", error.Text);
            Assert.Empty(error.Fields);
            Assert.Equal("Too Many Requests (HAP429).", error.Describe());
        }

        [Fact]
        public void HtmlPageIsSummarisedNotQuoted()
        {
            var error = HubErrorBody.Parse("""
                <!DOCTYPE html>
                <html><head><title>502 Bad Gateway</title></head>
                <body><h1>502 Bad Gateway</h1><script>var x = 1;</script></body></html>
                """);

            Assert.NotNull(error.Text);
            Assert.Contains("HTML", error.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("<", error.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("script", error.Describe(), StringComparison.Ordinal);
            Assert.Empty(error.Fields);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   \r\n ")]
        [InlineData(null)]
        public void EmptyBodySaysNothing(string? body)
        {
            var error = HubErrorBody.Parse(body);

            Assert.Null(error.Text);
            Assert.Empty(error.Fields);
            Assert.Equal("", error.Describe());
        }

        [Fact]
        public void BrokenJsonIsReportedAsTextWithoutThrowing()
        {
            var error = HubErrorBody.Parse("""{"detail":"upstream conn""");

            Assert.Equal("""{"detail":"upstream conn""", error.Text);
            Assert.Empty(error.Fields);
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("""{"error":false}""")]
        [InlineData("""{"message":42,"detail":null}""")]
        public void JsonWithoutASentenceHasNoText(string body)
        {
            var error = HubErrorBody.Parse(body);

            Assert.Null(error.Text);
            Assert.Equal("", error.Describe());
        }

        [Fact]
        public void MultiLineTextBecomesOneLine()
        {
            var error = HubErrorBody.Parse("Service Unavailable\r\nTry again later");

            Assert.Equal("Service Unavailable Try again later", error.Text);
        }

        // An edge page can be huge; the message must stay readable.
        [Fact]
        public void LongTextIsShortened()
        {
            var body = string.Concat(Enumerable.Repeat("overloaded ", 100));

            var error = HubErrorBody.Parse(body);

            Assert.NotNull(error.Text);
            Assert.True(error.Text!.Length <= 301, $"Text has {error.Text.Length} characters.");
            Assert.StartsWith("overloaded overloaded", error.Text, StringComparison.Ordinal);
            Assert.EndsWith("…", error.Text, StringComparison.Ordinal);
        }

        [Fact]
        public void DescribeEndsTheTextWithOneFullStop()
        {
            var error = HubErrorBody.Parse("""{"message":"rate limit exceeded..."}""");

            Assert.Equal("rate limit exceeded.", error.Describe());
        }
    }
}
