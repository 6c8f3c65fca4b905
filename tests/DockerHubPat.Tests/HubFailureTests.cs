using System;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class HubFailureTests
    {
        private const string What = "create an access token";

        private const string NotFoundBody = """{"detail":"Not found","message":"access token not found"}""";

        [Theory]
        [InlineData(400, HubFailure.InvalidRequest)]
        [InlineData(401, HubFailure.Unauthorized)]
        [InlineData(403, HubFailure.PermissionDenied)]
        [InlineData(404, HubFailure.NotFound)]
        [InlineData(407, HubFailure.ProxyAuthenticationRequired)]
        [InlineData(408, HubFailure.Unavailable)]
        [InlineData(429, HubFailure.RateLimited)]
        [InlineData(500, HubFailure.Unavailable)]
        [InlineData(502, HubFailure.Unavailable)]
        [InlineData(503, HubFailure.Unavailable)]
        [InlineData(418, HubFailure.InvalidResponse)]
        [InlineData(302, HubFailure.InvalidResponse)]
        public void StatusMapsToFailureKind(int status, HubFailure expected)
        {
            var ex = HubClient.Failure(status, NotFoundBody, What);

            Assert.Equal(expected, ex.Failure);
            Assert.Equal(status, ex.StatusCode);
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(408)]
        [InlineData(429)]
        [InlineData(500)]
        [InlineData(503)]
        [InlineData(418)]
        public void MessageCarriesHubsTextAndTheAction(int status)
        {
            var ex = HubClient.Failure(status, """{"message":"something specific went wrong","errinfo":{}}""", What);

            Assert.Contains("something specific went wrong", ex.Message, StringComparison.Ordinal);
            Assert.Contains(What, ex.Message, StringComparison.Ordinal);
            Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void BadRequestCarriesTheFieldErrors()
        {
            var ex = HubClient.Failure(400, """
                {"fields":{"token_label":["Ensure this field has no more than 100 characters."],"scopes":["This field is required."]},
                 "text":"Invalid request"}
                """, What);

            Assert.Equal(HubFailure.InvalidRequest, ex.Failure);
            Assert.Equal(400, ex.StatusCode);
            Assert.Equal(new[] { "Ensure this field has no more than 100 characters." }, ex.FieldErrors["token_label"]);
            Assert.Equal(new[] { "This field is required." }, ex.FieldErrors["scopes"]);
            Assert.Contains("Invalid request", ex.Message, StringComparison.Ordinal);
            Assert.Contains("token_label: Ensure this field has no more than 100 characters.", ex.Message, StringComparison.Ordinal);
            Assert.Contains("scopes: This field is required.", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(401)]
        [InlineData(404)]
        [InlineData(500)]
        public void OnlyBadRequestHasFieldErrors(int status)
        {
            var ex = HubClient.Failure(status, """{"fields":{"token_label":["x"]},"text":"nope"}""", What);

            Assert.NotNull(ex.FieldErrors);
            Assert.Empty(ex.FieldErrors);
        }

        // Hub refuses token management to a JWT obtained with a PAT.
        [Theory]
        [InlineData("""{"message":"token issued from personal access token is not allowed","errinfo":{}}""")]
        [InlineData("""{"detail":"Token issued from Personal Access Token is not allowed"}""")]
        public void ForbiddenForAPersonalAccessTokenSessionIsTokenSessionRefused(string body)
        {
            var ex = HubClient.Failure(403, body, What);

            Assert.Equal(HubFailure.TokenSessionRefused, ex.Failure);
            Assert.Equal(403, ex.StatusCode);
            Assert.Contains(What, ex.Message, StringComparison.Ordinal);

            // The Hub layer names no cmdlet; the cmdlet layer's mapping adds the way out.
            Assert.DoesNotContain("Connect-HubAccount", ex.Message, StringComparison.Ordinal);
            var shown = HubErrors.WithAdvice(ex, null).Message;
            Assert.Contains("password", shown, StringComparison.Ordinal);
            Assert.Contains("Connect-HubAccount", shown, StringComparison.Ordinal);
        }

        [Fact]
        public void OtherForbiddenIsPermissionDenied()
        {
            var ex = HubClient.Failure(403, """{"detail":"You do not have permission to perform this action.","message":"forbidden"}""", What);

            Assert.Equal(HubFailure.PermissionDenied, ex.Failure);
            Assert.Contains("forbidden", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Connect-HubAccount", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void PlainTextRateLimitIsQuoted()
        {
            var ex = HubClient.Failure(429, "Too Many Requests (HAP429).", What);

            Assert.Equal(HubFailure.RateLimited, ex.Failure);
            Assert.Equal(429, ex.StatusCode);
            Assert.Contains("Too Many Requests (HAP429).", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void HtmlErrorPageIsNotPastedIntoTheMessage()
        {
            var ex = HubClient.Failure(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", What);

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.DoesNotContain("<h1>", ex.Message, StringComparison.Ordinal);
            Assert.Contains("HTML", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EmptyBodyGivesAMessageWithoutHubsWords()
        {
            var ex = HubClient.Failure(401, "", What);

            Assert.Equal(HubFailure.Unauthorized, ex.Failure);
            Assert.Contains(What, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Docker Hub says", ex.Message, StringComparison.Ordinal);
        }
    }
}
