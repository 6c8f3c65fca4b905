using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Refuses labels Hub would refuse or mangle (see <see cref="Input.LabelProblem"/>), at parameter binding.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateTokenLabelAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (Input.LabelProblem(arguments as string) is string problem)
            {
                throw new ValidationMetadataException(problem);
            }
        }
    }

    /// <summary>Refuses an organization token description over the docs' limit or with control characters.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateTokenDescriptionAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (Input.DescriptionProblem(arguments as string) is string problem)
            {
                throw new ValidationMetadataException(problem);
            }
        }
    }

    /// <summary>
    /// Makes a label parameter take text only. A label bound from the pipeline by value would
    /// otherwise be any object turned into text: a hashtable would create a token labelled
    /// "System.Collections.Hashtable". An object with a Label property gives that property (the
    /// by-value binding comes first and would otherwise reach here with the whole object).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class TokenLabelTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => LabelText(inputData, fromProperty: false);

        private static object? LabelText(object? input, bool fromProperty)
        {
            var value = input is PSObject ps ? ps.BaseObject : input;
            switch (value)
            {
                case null:
                case string _:
                case char _:
                case decimal _:
                case object _ when value.GetType().IsPrimitive && !(value is bool):
                    return value;
                case IDictionary _:
                    throw Refused("a hashtable or dictionary was given, and its keys are not read as parameters. " +
                        "Pipe labels as text, or objects with a Label property such as [pscustomobject]@{ Label = 'ci' }.");
                case IEnumerable items:
                    throw Refused($"a list of {items.Cast<object>().Count()} items was given. Pipe the labels instead, to make one token each: 'ci','deploy' | New-HubAccessToken.");
            }

            if (!fromProperty && PSObject.AsPSObject(input!).Properties["Label"] is PSPropertyInfo label)
            {
                return LabelText(label.Value, fromProperty: true);
            }

            throw Refused(fromProperty
                ? $"the Label property holds a {value.GetType().Name}, not text."
                : $"a {value.GetType().Name} was given, and it has no Label property.");
        }

        private static ArgumentTransformationMetadataException Refused(string why) =>
            new ArgumentTransformationMetadataException("A token label must be text; " + why);
    }

    /// <summary>
    /// Refuses a wildcard pattern PowerShell cannot read (such as '[unclosed') at binding, before
    /// any request: otherwise it would fail only at the first comparison, after the list was read.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateWildcardPatternAttribute : ValidateEnumeratedArgumentsAttribute
    {
        protected override void ValidateElement(object element)
        {
            var pattern = (element is PSObject ps ? ps.BaseObject : element)?.ToString() ?? "";
            try
            {
                WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase).IsMatch("");
            }
            catch (WildcardPatternException)
            {
                throw new ValidationMetadataException(
                    $"'{pattern}' is not a valid wildcard pattern: a '[' must be closed by ']'. " +
                    $"To match '[' or ']' as they are, escape them with a backtick: '{WildcardPattern.Escape(pattern)}'.");
            }
        }
    }

    /// <summary>
    /// Accepts one or more of the scopes Hub knows, in any letter case, like ValidateSet does;
    /// its ValidValues are what the help shows. No scope at all is refused here, not after a
    /// round trip: the spec requires scopes on a create, and as a filter it would match nothing.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateScopeAttribute : ValidateArgumentsAttribute
    {
        public IList<string> ValidValues => AccessTokenScopes.All.ToList();

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = arguments is PSObject ps ? ps.BaseObject : arguments;
            var scopes = value is IEnumerable items && !(value is string) ? items.Cast<object>().ToList() : new List<object> { value };
            if (scopes.Count == 0 || scopes.All(s => s is null))
            {
                throw new ValidationMetadataException($"Give at least one scope: {string.Join(", ", AccessTokenScopes.All)}.");
            }

            foreach (var element in scopes)
            {
                var scope = (element is PSObject p ? p.BaseObject : element)?.ToString() ?? "";
                if (!AccessTokenScopes.All.Contains(scope, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ValidationMetadataException(
                        $"'{scope}' is not a Docker Hub access token scope. Use one or more of: {string.Join(", ", AccessTokenScopes.All)}.");
                }
            }
        }
    }
}
